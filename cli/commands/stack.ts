/** The step `anonify dev` and `anonify deploy` share: deploy, then record the deployment. */
import type { EvmVersion } from '../../contracts/generated/evmVersions'
import { deployStack } from '../../host/deployment/deployStack'
import { writeDeployment } from '../../host/deployment/deploymentFile'
import { LOCAL_CHAIN_IDS } from '../../host/deployment/isLocalChain'
import type { Deployment } from '../../host/deployment/parseDeployment'
import { describeFinality } from '../../host/ledger/readFinalBlock'
import { AnonifyError } from '../../host/errors/base'
import type { Hex } from 'viem'
import { step } from '../step'

/** Deploys the `evmVersion` compilation (default: the oldest) to `rpcUrl` and writes the deployment file at `path`. */
export async function deployAndRecord(
  rpcUrl: string,
  measurement: Hex,
  path: string,
  evmVersion?: EvmVersion,
): Promise<Deployment> {
  const privateKey = readDeployerKey()
  const deployment = await step(
    'Deploying contracts',
    () => deployStack({ rpcUrl, measurement, privateKey, evmVersion }),
    (d) => `Ledger ${d.contracts.ledger} (${d.evmVersion})`,
  )
  await writeDeployment(path, deployment)
  console.log(`Deployment written to ${path}`)
  // Said out loud: a dev chain's short policy is a choice for speed, and it is what every member will follow.
  const dev = LOCAL_CHAIN_IDS.includes(deployment.chainId) ? ' (dev chain: short, for speed)' : ''
  console.log(`Finality: members apply and relayers confirm after ${describeFinality(deployment.finality)}${dev}`)
  return deployment
}

/** The deployer key comes from the environment, never from argv (which other users can read in `ps`). */
function readDeployerKey(): Hex | undefined {
  const key = process.env.ANONIFY_DEPLOYER_KEY
  if (key === undefined || key === '') return undefined
  if (!/^0x[0-9a-fA-F]{64}$/.test(key))
    throw new AnonifyError('ANONIFY_DEPLOYER_KEY is not a private key.', {
      metaMessages: ['Use 0x followed by 64 hex digits.'],
    })
  return key as Hex
}
