/**
 * The connected account's confidential balance, as a member enclave answered it (the page's node, or this tab's
 * replica), with the input it is current to and the member that answered, verified on chain.
 */
import { useConnection } from 'wagmi'
import { ErrorAlert } from '../../app/ErrorAlert'
import { useAccountState } from '../../hooks/useAccountState'
import { useEnclaveStatus } from '../../hooks/useEnclaveStatus'
import { useReadMode } from '../../hooks/useReadMode'
import { AnsweredBy } from './AnsweredBy'
import { formatTokenAmount, TOKEN_SYMBOL } from '../../../host/wallet/tokenUnits'

export function BalancePanel() {
  const connection = useConnection()
  const mode = useReadMode()
  const account = useAccountState()
  const enclave = useEnclaveStatus()
  const data = account.data

  return (
    <section className="panel" aria-labelledby="balance-title">
      <h2 id="balance-title">Confidential balance</h2>
      {connection.status !== 'connected' ? (
        <p className="muted">Connect a wallet to see your balance.</p>
      ) : mode === 'replica' && enclave.data?.restoring ? (
        <p className="muted" data-testid="balance-restoring">
          No balance yet: this tab's enclave is restoring from a checkpoint (at input {enclave.data.seq.toString()}).
        </p>
      ) : data ? (
        <>
          <p className="balance" data-testid="balance" aria-live="polite">
            {formatTokenAmount(data.apps.token.balance)} <span className="unit">{TOKEN_SYMBOL}</span>
          </p>
          <p className="muted">
            As of input <span data-testid="balance-seq">{data.seq.toString()}</span> · next nonce{' '}
            {data.nonce.toString()} · only your wallet can read it (the enclave seals the answer to your read key).
          </p>
          <AnsweredBy answerer={data.answeredBy} />
        </>
      ) : (
        <p className="muted">
          {account.isPending
            ? mode === 'light'
              ? 'Asking a member node (your wallet signs a read key once per hour; no gas)…'
              : 'Asking your enclave (your wallet signs a read key once per hour)…'
            : '—'}
        </p>
      )}
      <ErrorAlert error={account.error} />
      {account.isError && (
        <button type="button" className="secondary" onClick={() => void account.refetch()}>
          Read again
        </button>
      )}
    </section>
  )
}
