/**
 * The explorer: for each Ledger input, side by side, what the chain holds (ciphertext, poster, size) and what this
 * tab's enclave lets the connected account see of it — its own transfers, nothing of anyone else's.
 */
import { zeroAddress } from 'viem'
import { OUTCOME_NAMES } from '../../../enclave-wasm/envelopes/accountRead'
import type { HistoryEntry } from '../../../enclave-wasm/envelopes/readReply'
import { INPUT_KIND } from '../../../enclave-wasm/protocol'
import { historyDetail } from '../../../host/wallet/historyDetail'
import { ErrorAlert } from '../../app/ErrorAlert'
import { shortHex } from '../../app/shortHex'
import { useAccountState } from '../../hooks/useAccountState'
import { useLedgerActivity } from '../../hooks/useLedgerActivity'

const KIND_NAMES: Record<number, string> = {
  [INPUT_KIND.commandBatch]: 'sealed commands',
  [INPUT_KIND.sessionBatch]: 'session commands',
  [INPUT_KIND.memberAdded]: 'member added',
  [INPUT_KIND.memberRemoved]: 'member removed',
  [INPUT_KIND.rekey]: 'rekey',
  [INPUT_KIND.initKeyUpdated]: 'init key updated',
  [INPUT_KIND.rekeyRequested]: 'rekey requested',
  [INPUT_KIND.rekeyAck]: 'rekey acknowledged',
  [INPUT_KIND.rekeyComplaint]: 'rekey complaint',
  [INPUT_KIND.rekeySettled]: 'rekey settled on timeout',
  [INPUT_KIND.memberReattested]: 'member re-attested',
  [INPUT_KIND.identityIssuerGranted]: 'KYC issuer granted (governance)',
  [INPUT_KIND.checkpoint]: 'checkpoint accepted',
  [INPUT_KIND.divergence]: 'divergence recorded (intake paused)',
  [INPUT_KIND.resumed]: 'resumed (governance)',
  [INPUT_KIND.checkpointRequested]: 'checkpoint requested',
}
const BATCH_KINDS: number[] = [INPUT_KIND.commandBatch, INPUT_KIND.sessionBatch]
/** Hex digits of ciphertext shown per input; the rest is in the title. */
const PREVIEW_CHARS = 48

/** What one history line says about its input, in the user's words. */
function describe(entry: HistoryEntry): string {
  const detail = historyDetail(entry)
  const party = entry.counterparty === zeroAddress ? '' : shortHex(entry.counterparty)
  const sent = entry.direction === 'sent'
  const phrases: Partial<Record<HistoryEntry['op'], string>> = {
    transfer: sent ? `You sent ${detail} to ${party}` : `You received ${detail} from ${party}`,
    mint: sent ? `You issued ${detail} to ${party}` : `You were issued ${detail}`,
    startSession: 'You started a session',
    endSession: 'You ended your session',
    requireAttributes: 'You set which identity attributes holders need',
    grantIssuer: sent ? 'You asked to become KYC issuer' : 'Governance made you the KYC issuer',
    attest: sent ? `You attested ${party}: ${detail}` : `You were attested: ${detail}`,
    revoke: sent ? `You revoked ${party}'s attestation` : 'Your attestation was revoked',
  }
  const what = phrases[entry.op === 'transferFrom' ? 'transfer' : entry.op] ?? `Your ${entry.op}`
  return entry.code === 0 ? what : `${what} — refused: ${OUTCOME_NAMES[entry.code] ?? `code ${entry.code}`}`
}

export function ExplorerPage() {
  const activity = useLedgerActivity()
  const account = useAccountState()
  const mine = new Map<bigint, HistoryEntry[]>()
  for (const entry of account.data?.history ?? []) mine.set(entry.seq, [...(mine.get(entry.seq) ?? []), entry])

  return (
    <section className="panel panel-wide" aria-labelledby="explorer-title">
      <h2 id="explorer-title">Explorer: the chain's view beside yours</h2>
      <p className="muted">
        Left, what anyone reading the chain sees of each input. Right, what your enclave tells your wallet about it:
        only commands you sent and transfers you received.{account.data ? '' : ' Connect and join to see your side.'}
      </p>
      <div className="table-scroll">
        <table className="table" aria-label="Ledger inputs">
          <thead>
            <tr>
              <th scope="col">Input</th>
              <th scope="col">Kind</th>
              <th scope="col">Posted by</th>
              <th scope="col" className="num">
                Size
              </th>
              <th scope="col">On chain</th>
              <th scope="col">Your view</th>
            </tr>
          </thead>
          <tbody>
            {activity.data?.map((row) => {
              const batch = BATCH_KINDS.includes(row.kind)
              const yours = mine.get(row.seq)
              return (
                <tr key={row.seq.toString()} data-testid="explorer-row">
                  <td title={`block ${row.blockNumber}, transaction ${row.transactionHash}`}>#{row.seq.toString()}</td>
                  <td>{KIND_NAMES[row.kind] ?? `kind ${row.kind}`}</td>
                  <td className="mono" title={row.poster} data-testid="explorer-poster">
                    {shortHex(row.poster)}
                  </td>
                  <td className="num">
                    {row.sizeBytes} B{batch ? ` · ${row.records} record${row.records === 1 ? '' : 's'}` : ''}
                  </td>
                  <td className="mono ciphertext" title={row.data} data-testid="explorer-chain">
                    {row.data.slice(0, 2 + PREVIEW_CHARS)}…
                  </td>
                  <td data-testid="explorer-yours">
                    {yours ? (
                      yours.map(describe).join('; ')
                    ) : batch ? (
                      <span className="muted">Nothing of yours: ciphertext you cannot read</span>
                    ) : (
                      <span className="muted">Group input (public)</span>
                    )}
                  </td>
                </tr>
              )
            })}
            {activity.data?.length === 0 && (
              <tr>
                <td colSpan={6} className="muted">
                  No inputs yet.
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
      <ErrorAlert error={activity.error} />
    </section>
  )
}
