/** The connected account's confidential balance, as this tab's enclave holds it, with the input it is current to. */
import { useConnection } from 'wagmi'
import { ErrorAlert } from '../../app/ErrorAlert'
import { useAccountState } from '../../hooks/useAccountState'
import { useEnclaveStatus } from '../../hooks/useEnclaveStatus'
import { useReplica } from '../../hooks/useReplica'
import { formatTokenAmount, TOKEN_SYMBOL } from '../../../host/wallet/tokenUnits'

export function BalancePanel() {
  const connection = useConnection()
  const replica = useReplica()
  const account = useAccountState()
  const enclave = useEnclaveStatus()
  const data = account.data

  return (
    <section className="panel" aria-labelledby="balance-title">
      <h2 id="balance-title">Confidential balance</h2>
      {connection.status !== 'connected' ? (
        <p className="muted">Connect a wallet to see your balance.</p>
      ) : !replica.joined ? (
        <p className="muted">Your balance is read from this tab's enclave: join the group first.</p>
      ) : enclave.data?.restoring ? (
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
        </>
      ) : (
        <p className="muted">{account.isPending ? 'Asking your enclave (your wallet signs a read key once)…' : '—'}</p>
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
