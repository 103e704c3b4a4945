/** The account's own history from its enclave: what it sent, what it received, and what was refused and why. */
import { isAddressEqual, zeroAddress } from 'viem'
import { OUTCOME_NAMES } from '../../../enclave-wasm/envelopes/accountRead'
import { GOVERNANCE_CALLER } from '../../../enclave-wasm/envelopes/apps/identityFacts'
import { historyDetail } from '../../../host/wallet/historyDetail'
import { useAccountState } from '../../hooks/useAccountState'
import { useReadMode } from '../../hooks/useReadMode'
import { shortHex } from '../../app/shortHex'

const OP_LABELS: Record<string, string> = {
  init: 'became issuer',
  mint: 'issued',
  transfer: 'transfer',
  approve: 'approval',
  transferFrom: 'transfer (allowance)',
  burn: 'burn',
  startSession: 'session started',
  endSession: 'session ended',
  requireAttributes: 'holder rule set',
  grantIssuer: 'KYC issuer granted',
  attest: 'identity attested',
  revoke: 'identity revoked',
}

export function HistoryPanel() {
  const account = useAccountState()
  const mode = useReadMode()
  const history = [...(account.data?.history ?? [])].reverse()

  return (
    <section className="panel panel-wide" aria-labelledby="history-title">
      <h2 id="history-title">Your history</h2>
      <table className="table" aria-label="Your confidential history">
        <thead>
          <tr>
            <th scope="col">Input</th>
            <th scope="col">Direction</th>
            <th scope="col">What</th>
            <th scope="col">Counterparty</th>
            <th scope="col" className="num">
              Detail
            </th>
            <th scope="col">Outcome</th>
          </tr>
        </thead>
        <tbody>
          {history.map((entry, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: two receipts in one input can be identical; rows hold no state.
            <tr key={`${entry.seq}-${i}`} data-testid="history-row">
              <td>#{entry.seq.toString()}</td>
              <td>{entry.direction}</td>
              <td>{OP_LABELS[entry.op] ?? entry.op}</td>
              <td className="mono" title={entry.counterparty}>
                {entry.counterparty === zeroAddress
                  ? '—'
                  : isAddressEqual(entry.counterparty, GOVERNANCE_CALLER)
                    ? 'governance'
                    : shortHex(entry.counterparty)}
              </td>
              <td className="num">{historyDetail(entry) || '—'}</td>
              <td className={entry.code === 0 ? 'ok' : 'error'}>
                {entry.code === 0 ? 'applied' : `refused: ${OUTCOME_NAMES[entry.code] ?? `code ${entry.code}`}`}
              </td>
            </tr>
          ))}
          {history.length === 0 && (
            <tr>
              <td colSpan={6} className="muted">
                {account.data
                  ? 'Nothing yet.'
                  : account.isError
                    ? 'Not shown: the last reply was refused (see your balance).'
                    : mode === 'replica'
                      ? 'Not read yet: your enclave is catching up or restoring.'
                      : 'Not read yet: connect a wallet to read your history through a member node.'}
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </section>
  )
}
