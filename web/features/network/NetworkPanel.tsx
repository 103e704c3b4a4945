/** The group as the chain records it: current epoch, and each registered enclave with the registry's verdict. */
import { useAppContext } from '../../app/AppContext'
import { ErrorAlert } from '../../app/ErrorAlert'
import { shortHex } from '../../app/shortHex'
import { tcbName } from '../../app/tcbNames'
import { useNetwork } from '../../hooks/useNetwork'

export function NetworkPanel() {
  const { deployment } = useAppContext()
  const network = useNetwork()
  const data = network.data

  return (
    <section className="panel panel-wide" aria-labelledby="network-title">
      <h2 id="network-title">Network</h2>
      <dl>
        <dt>Current epoch</dt>
        <dd data-testid="network-epoch">{data ? data.epoch.toString() : '…'}</dd>
        <dt>Inputs on the Ledger</dt>
        <dd>{data ? data.seq.toString() : '…'}</dd>
        <dt>Command key</dt>
        <dd className="mono">{data && data.epoch > 0n ? shortHex(data.cmdPubKey) : '—'}</dd>
      </dl>
      <table className="table" aria-label="Registered enclaves">
        <thead>
          <tr>
            <th scope="col">Enclave</th>
            <th scope="col">Operator</th>
            <th scope="col">Measurement</th>
            <th scope="col">TCB</th>
            <th scope="col">Verdict</th>
          </tr>
        </thead>
        <tbody data-testid="network-members">
          {data?.enclaves.map((enclave) => (
            <tr key={enclave.signer} data-testid="network-member">
              <td className="mono" title={enclave.signer}>
                {shortHex(enclave.signer)}
              </td>
              <td className="mono" title={enclave.operator}>
                {shortHex(enclave.operator)}
              </td>
              <td className="mono" title={enclave.measurement}>
                {shortHex(enclave.measurement)}
                {enclave.measurement === deployment.enclave.measurement ? ' (this build)' : ''}
              </td>
              <td>{tcbName(enclave.tcbStatus)}</td>
              <td className={enclave.trusted ? 'ok' : 'error'}>
                {enclave.trusted ? 'trusted' : enclave.measurementAllowed ? 'expired' : 'measurement revoked'}
              </td>
            </tr>
          ))}
          {data && data.enclaves.length === 0 && (
            <tr>
              <td colSpan={5}>No enclave has registered yet.</td>
            </tr>
          )}
        </tbody>
      </table>
      <ErrorAlert error={network.error} />
    </section>
  )
}
