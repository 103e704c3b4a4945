/** `anonify status`: the chain and this machine's enclave as the deployment sees them. */
import { createPublicClient, http } from 'viem'
import { readDeployment } from '../../host/deployment/deploymentFile'
import { DEFAULT_DEPLOYMENT_PATH, resolveRepoPath } from '../../host/deployment/paths'
import { startNodeEnclave } from '../../host/enclave/startNodeEnclave'
import { AnonifyError } from '../../host/errors/base'
import { ChainUnreachableError } from '../../host/errors/chain'
import { defineCommand } from '../command'
import { stringOption, urlOption } from './parseOptions'

export const statusCommand = defineCommand({
  name: 'status',
  summary: 'Show the chain, the deployed contracts and the local enclave\'s measurement (--json for scripts)',
  usage: ['anonify status [--deployment FILE] [--rpc URL] [--json]'],
  options: { deployment: { type: 'string' }, rpc: { type: 'string' }, json: { type: 'boolean' } },
  async run(values) {
    const deployment = await readDeployment(resolveRepoPath(stringOption(values.deployment, DEFAULT_DEPLOYMENT_PATH)))
    const rpcUrl = urlOption('rpc', values.rpc) ?? deployment.rpcUrl
    const client = createPublicClient({ transport: http(rpcUrl, { retryCount: 0 }) })
    let chainId: number
    let blockNumber: bigint
    try {
      ;[chainId, blockNumber] = await Promise.all([client.getChainId(), client.getBlockNumber()])
    } catch (cause) {
      throw new ChainUnreachableError({ rpcUrl, cause })
    }
    if (chainId !== deployment.chainId)
      throw new AnonifyError(`The node at ${rpcUrl} serves chain ${chainId}, but the deployment is on chain ${deployment.chainId}.`, {
        metaMessages: ['Point --rpc at the deployment\'s chain, or pass the right --deployment file.'],
      })

    const enclave = await startNodeEnclave()
    const status = await enclave.client.getStatus().finally(() => enclave.client.close())
    const report = {
      chainId,
      rpcUrl,
      blockNumber: Number(blockNumber),
      contracts: deployment.contracts,
      measurement: status.measurement,
      deploymentMeasurement: deployment.enclave.measurement,
      measurementMatchesDeployment: status.measurement === deployment.enclave.measurement,
      platform: status.platform,
      hardwareProtection: false,
      protocolVersion: status.protocolVersion,
    }
    if (values.json) {
      console.log(JSON.stringify(report, null, 2))
      return 0
    }
    console.log(
      [
        `Chain         ${report.chainId} at block ${report.blockNumber} (${rpcUrl})`,
        `Ledger        ${report.contracts.ledger}`,
        `Enclave       ${report.measurement} (${report.platform}: NO hardware protection)`,
        `Deployment    ${report.measurementMatchesDeployment ? 'accepts this enclave' : `expects ${report.deploymentMeasurement}`}`,
      ].join('\n'),
    )
    return 0
  },
})
