/** This tab's enclave Worker: boot, measurement and verdict, and its place in the group (join, epoch, seq). */
import { useConnection } from 'wagmi'
import { useAppContext } from '../../app/AppContext'
import { ErrorAlert } from '../../app/ErrorAlert'
import { useEnclaveStatus } from '../../hooks/useEnclaveStatus'
import { useJoinGroup } from '../../hooks/useJoinGroup'

export function EnclavePanel() {
  const { deployment } = useAppContext()
  const status = useEnclaveStatus()
  const join = useJoinGroup()
  const connection = useConnection()
  const data = status.data
  const matches = data?.measurement === deployment.enclave.measurement
  const joined = join.isSuccess || data?.bound === true

  return (
    <section className="panel" aria-labelledby="enclave-title">
      <h2 id="enclave-title">Enclave</h2>
      <dl>
        <dt>Status</dt>
        <dd data-testid="enclave-state">{status.isSuccess ? 'booted' : status.isError ? 'failed' : 'booting…'}</dd>
        <dt>Platform</dt>
        <dd>{data ? `${data.platform} (no hardware protection)` : '—'}</dd>
        <dt>Measurement</dt>
        <dd className="mono" data-testid="enclave-measurement">{data?.measurement ?? '—'}</dd>
        <dt>Verdict</dt>
        <dd data-testid="enclave-verdict" className={data ? (matches ? 'ok' : 'error') : undefined}>
          {data ? (matches ? 'matches the deployment' : 'does NOT match the deployment') : '—'}
        </dd>
        <dt>Group</dt>
        <dd data-testid="enclave-membership">
          {!joined ? 'not joined' : data?.member ? (data.holdsEpoch ? 'member, holds the epoch key' : 'member, waiting for a rekey') : data?.removed ? 'removed' : 'registering…'}
        </dd>
        <dt>Epoch</dt>
        <dd data-testid="enclave-epoch">{joined && data ? data.epoch.toString() : '—'}</dd>
        <dt>Applied inputs</dt>
        <dd data-testid="enclave-seq">{joined && data ? data.seq.toString() : '—'}</dd>
      </dl>
      {!joined && (
        <button type="button" disabled={connection.status !== 'connected' || !status.isSuccess || join.isPending} onClick={() => join.mutate()}>
          {join.isPending ? 'Joining…' : 'Join the group with this tab'}
        </button>
      )}
      {data?.lastRekeyRefusal && <p className="error">Refused a rekey: {data.lastRekeyRefusal}</p>}
      <ErrorAlert error={status.error ?? join.error} />
    </section>
  )
}
