/** `anonify deploy`: builds and deploys the contracts to an existing chain and writes the deployment file. */
import { DEFAULT_DEPLOYMENT_PATH, resolveRepoPath } from '../../host/deployment/paths'
import { AnonifyError } from '../../host/errors/base'
import { defineCommand } from '../command'
import { evmVersionOption, stringOption, urlOption } from './parseOptions'
import { buildArtifacts } from '../artifacts'
import { deployAndRecord } from './stack'

export const deployCommand = defineCommand({
  usage: ['[ANONIFY_DEPLOYER_KEY=0x…] anonify deploy --rpc URL [--deployment FILE] [--evm-version VERSION]'],
  options: { rpc: { type: 'string' }, deployment: { type: 'string' }, 'evm-version': { type: 'string' } },
  async run(values) {
    const rpcUrl = urlOption('rpc', values.rpc)
    if (!rpcUrl)
      throw new AnonifyError('anonify deploy needs --rpc URL.', {
        metaMessages: ['Example: anonify deploy --rpc http://127.0.0.1:8545'],
      })
    const evmVersion = evmVersionOption('evm-version', values['evm-version'])
    const measurement = await buildArtifacts()
    await deployAndRecord(
      rpcUrl,
      measurement,
      resolveRepoPath(stringOption(values.deployment, DEFAULT_DEPLOYMENT_PATH)),
      evmVersion,
    )
    return 0
  },
})
