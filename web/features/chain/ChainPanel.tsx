/** The chain as this page sees it: id, live block height, and the deployed contract addresses. */
import { useBlockNumber, useChainId } from 'wagmi'
import { useAppContext } from '../../app/AppContext'
import { ErrorAlert } from '../../app/ErrorAlert'

export function ChainPanel() {
  const { deployment } = useAppContext()
  const chainId = useChainId()
  const blockNumber = useBlockNumber({ watch: true })

  return (
    <section className="panel" aria-labelledby="chain-title">
      <h2 id="chain-title">Chain</h2>
      <dl>
        <dt>Chain id</dt>
        <dd data-testid="chain-id">{chainId}</dd>
        <dt>Block height</dt>
        <dd data-testid="block-height">
          {blockNumber.data !== undefined ? blockNumber.data.toString() : blockNumber.isError ? '—' : 'loading…'}
        </dd>
        <dt>RPC</dt>
        <dd className="mono">{deployment.rpcUrl}</dd>
        <dt>Ledger contract</dt>
        <dd className="mono" data-testid="ledger-address">
          {deployment.contracts.ledger}
        </dd>
        <dt>Deployed at block</dt>
        <dd>{deployment.deployBlock}</dd>
      </dl>
      <ErrorAlert error={blockNumber.error} />
    </section>
  )
}
