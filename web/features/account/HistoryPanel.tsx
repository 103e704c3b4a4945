/** The account's own history from its enclave: what it sent, what it received, and what was refused and why. */
import { zeroAddress } from 'viem'
import { OUTCOME_NAMES } from '../../../enclave-wasm/envelopes/accountRead'
import { formatTokenAmount } from '../../../host/wallet/tokenUnits'
import { useAccountState } from '../../hooks/useAccountState'
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
}

export function HistoryPanel() {
  const account = useAccountState()
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
              Amount
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
                {entry.counterparty === zeroAddress ? '—' : shortHex(entry.counterparty)}
              </td>
              <td className="num">{entry.amount === 0n ? '—' : formatTokenAmount(entry.amount)}</td>
              <td className={entry.code === 0 ? 'ok' : 'error'}>
                {entry.code === 0 ? 'applied' : `refused: ${OUTCOME_NAMES[entry.code] ?? `code ${entry.code}`}`}
              </td>
            </tr>
          ))}
          {history.length === 0 && (
            <tr>
              <td colSpan={6} className="muted">
                {account.data ? 'Nothing yet.' : 'Join the group to read your history from your enclave.'}
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </section>
  )
}
