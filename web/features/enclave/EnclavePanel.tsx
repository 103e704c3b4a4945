/**
 * This tab's enclave Worker, for operators who run a replica here: boot, measurement and verdict, its place in the
 * group, and how far it has synced. Without one the page is in light mode and reads through a member node.
 */
import { useConnection } from 'wagmi'
import { useAppContext } from '../../app/AppContext'
import { ErrorAlert } from '../../app/ErrorAlert'
import { useEnclaveStatus } from '../../hooks/useEnclaveStatus'
import { useNetwork } from '../../hooks/useNetwork'
import { useReplica } from '../../hooks/useReplica'
import { SyncProgress } from './SyncProgress'

export function EnclavePanel() {
  const { deployment } = useAppContext()
  const status = useEnclaveStatus()
  const replica = useReplica()
  const network = useNetwork()
  const connection = useConnection()
  const data = status.data
  const matches = data?.measurement === deployment.enclave.measurement
  const joined = replica.joined

  return (
    <section className="panel" aria-labelledby="enclave-title">
      <h2 id="enclave-title">Replica in this tab</h2>
      {!joined && (
        <p data-testid="light-mode">
          Light mode: your wallet reads and sends through the member node serving this page. Nothing to register and no
          gas; every answer is signed by a member enclave and checked against the chain before it is shown.
        </p>
      )}
      <dl>
        <dt>Status</dt>
        <dd data-testid="enclave-state">{status.isSuccess ? 'booted' : status.isError ? 'failed' : 'booting…'}</dd>
        <dt>Platform</dt>
        <dd>{data ? `${data.platform} (no hardware protection)` : '—'}</dd>
        <dt>Measurement</dt>
        <dd className="mono" data-testid="enclave-measurement">
          {data?.measurement ?? '—'}
        </dd>
        <dt>Verdict</dt>
        <dd data-testid="enclave-verdict" className={data ? (matches ? 'ok' : 'error') : undefined}>
          {data ? (matches ? 'matches the deployment' : 'does NOT match the deployment') : '—'}
        </dd>
        <dt>Group</dt>
        <dd data-testid="enclave-membership">
          {!joined
            ? 'not joined'
            : data?.member
              ? data.holdsEpoch
                ? data.restoring
                  ? `member, restoring from checkpoint at input ${data.seq}`
                  : 'member, holds the epoch key'
                : data.pendingEpoch !== undefined
                  ? `member, joining: the rekey to epoch ${data.pendingEpoch} is pending`
                  : 'member, waiting for a rekey'
              : data?.removed
                ? 'removed'
                : 'registering…'}
        </dd>
        <dt>Signer</dt>
        <dd className="mono" data-testid="enclave-signer">
          {joined && data?.signer ? data.signer : '—'}
        </dd>
        <dt>Epoch</dt>
        <dd data-testid="enclave-epoch">{joined && data ? data.epoch.toString() : '—'}</dd>
        <dt>Applied inputs</dt>
        <dd>
          <span data-testid="enclave-seq">{joined && data ? data.seq.toString() : '—'}</span>
          {joined && data && network.data ? (
            <span className="muted"> of {network.data.seq.toString()} on the Ledger</span>
          ) : null}
        </dd>
      </dl>
      <SyncProgress catchUp={replica.catchUp} resumedFromSeq={replica.resumedFromSeq} />
      {!joined && (
        <>
          <button
            type="button"
            disabled={connection.status !== 'connected' || !status.isSuccess || replica.join.isPending}
            onClick={() => replica.join.mutate()}
          >
            {replica.join.isPending ? 'Joining…' : 'Run a replica in this tab'}
          </button>
          <p className="muted">
            For operators: registers this tab's enclave as a member with your wallet. You pay the gas (about 240,000)
            and your address is public as its operator, never as a party to a transfer; every member's sessions end at
            the rekey that keys it in. It then follows the chain, its sealed state stays in this browser, and the page
            reads only from it.
          </p>
        </>
      )}
      {joined && data?.member && !data.holdsEpoch && data.pendingEpoch !== undefined && (
        <p className="muted" data-testid="enclave-pending-join">
          The group settles the rekey that keys this enclave in once most members acknowledge it, or, if most are away,
          a few blocks after it was posted.
        </p>
      )}
      {joined && data?.restoring && data.holdsEpoch && (
        <p data-testid="enclave-restoring" aria-live="polite">
          Restoring from checkpoint at input {data.seq.toString()}:{' '}
          {replica.restoring?.stage ?? 'waiting for the checkpoint'}. It joined after commands were posted and cannot
          open them, so it shows no balance until it holds the group's state from the snapshot the members signed; then
          it replays what came after.
        </p>
      )}
      {data?.divergedAt !== undefined && (
        <p className="error" data-testid="enclave-diverged">
          This enclave's state at input {data.divergedAt.toString()} differs from the checkpoint the Ledger accepted.
        </p>
      )}
      {data?.lastRekeyRefusal && <p className="error">Refused a rekey: {data.lastRekeyRefusal}</p>}
      <ErrorAlert error={status.error ?? replica.join.error ?? replica.error} />
    </section>
  )
}
