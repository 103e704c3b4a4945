/** This tab's enclave Worker: whether it booted, the loader's measurement, and whether the deployment accepts it. */
import { useAppContext } from '../../app/AppContext'
import { useEnclaveStatus } from '../../hooks/useEnclaveStatus'
import { ErrorAlert } from '../../app/ErrorAlert'

export function EnclavePanel() {
  const { deployment } = useAppContext()
  const status = useEnclaveStatus()
  const matches = status.data?.measurement === deployment.enclave.measurement

  return (
    <section className="panel" aria-labelledby="enclave-title">
      <h2 id="enclave-title">Enclave</h2>
      <dl>
        <dt>Status</dt>
        <dd data-testid="enclave-state">{status.isSuccess ? 'booted' : status.isError ? 'failed' : 'booting…'}</dd>
        <dt>Platform</dt>
        <dd>{status.data ? `${status.data.platform} (no hardware protection)` : '—'}</dd>
        <dt>Measurement</dt>
        <dd className="mono" data-testid="enclave-measurement">{status.data?.measurement ?? '—'}</dd>
        <dt>Deployment expects</dt>
        <dd className="mono">{deployment.enclave.measurement}</dd>
        <dt>Verdict</dt>
        <dd data-testid="enclave-verdict" className={status.data ? (matches ? 'ok' : 'error') : undefined}>
          {status.data ? (matches ? 'matches the deployment' : 'does NOT match the deployment') : '—'}
        </dd>
      </dl>
      <ErrorAlert error={status.error} />
    </section>
  )
}
