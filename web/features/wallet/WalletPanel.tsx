/** Connects a wallet: any injected EIP-1193 wallet, or on local chains the labelled anvil dev accounts. */
import { useConnect, useConnection, useConnectors, useDisconnect, type Connector } from 'wagmi'
import { ErrorAlert } from '../../app/ErrorAlert'

export function WalletPanel() {
  const connection = useConnection()
  const connectors = useConnectors()
  const connect = useConnect()
  const disconnect = useDisconnect()
  const devWallets = connectors.filter((c) => c.type === 'devWallet')
  const injected = connectors.filter((c) => c.type !== 'devWallet')

  return (
    <section className="panel" aria-labelledby="wallet-title">
      <h2 id="wallet-title">Wallet</h2>
      {connection.status === 'connected' ? (
        <>
          <dl>
            <dt>Account</dt>
            <dd className="mono" data-testid="wallet-address">
              {connection.address}
            </dd>
            <dt>Wallet</dt>
            <dd>{connection.connector.name}</dd>
          </dl>
          <button type="button" onClick={() => disconnect.mutate()}>
            Disconnect
          </button>
        </>
      ) : (
        <>
          <ConnectorButtons connectors={injected} onConnect={(connector) => connect.mutate({ connector })} />
          {devWallets.length > 0 && (
            <fieldset className="dev-wallet">
              <legend>Dev wallet — local chain only, public test keys</legend>
              <ConnectorButtons connectors={devWallets} onConnect={(connector) => connect.mutate({ connector })} />
            </fieldset>
          )}
          {connection.status === 'connecting' || connection.status === 'reconnecting' ? <p>Connecting…</p> : null}
        </>
      )}
      <ErrorAlert error={connect.error} />
    </section>
  )
}

function ConnectorButtons({
  connectors,
  onConnect,
}: {
  connectors: readonly Connector[]
  onConnect: (c: Connector) => void
}) {
  return (
    <div className="buttons">
      {connectors.map((connector) => (
        <button key={connector.uid} type="button" onClick={() => onConnect(connector)}>
          {connector.name}
        </button>
      ))}
    </div>
  )
}
