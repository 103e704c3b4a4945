/** Steps `anonify dev` and `anonify deploy` share: build the artifacts, then deploy and record the deployment. */
import type { EvmVersion } from '../../contracts/generated/evmVersions'
import { deployStack } from '../../host/deployment/deployStack'
import { writeDeployment } from '../../host/deployment/deploymentFile'
import type { Deployment } from '../../host/deployment/parseDeployment'
import { AnonifyError } from '../../host/errors/base'
import type { Hex } from 'viem'

/** Runs `task`, printing `label…` and its duration, so long steps show progress. */
export async function step<T>(label: string, task: () => Promise<T>, describe?: (result: T) => string): Promise<T> {
  const started = performance.now()
  process.stdout.write(`${label}… `)
  try {
    const result = await task()
    const seconds = ((performance.now() - started) / 1000).toFixed(1)
    process.stdout.write(`${describe ? describe(result) : 'done'} (${seconds} s)\n`)
    return result
  } catch (error) {
    process.stdout.write('failed\n')
    throw error
  }
}

/** Compiles the contracts and the enclave image; returns the measurement the deployment will accept. */
export async function buildArtifacts(): Promise<Hex> {
  // Loaded on use: the compilers (solc, AssemblyScript with binaryen) take seconds to load, and most commands never build.
  const [{ buildContracts }, { buildEnclave }] = await Promise.all([import('../../contracts/build'), import('../../enclave-wasm/build')])
  await step('Compiling contracts (solc)', buildContracts, (r) => (r.compiled ? `${r.contracts.length} contracts` : 'up to date'))
  const manifest = await step('Building enclave (AssemblyScript)', buildEnclave, (m) => `measurement ${m.measurement}`)
  return manifest.measurement
}

/** Deploys the `evmVersion` compilation (default: the oldest) to `rpcUrl` and writes the deployment file at `path`. */
export async function deployAndRecord(rpcUrl: string, measurement: Hex, path: string, evmVersion?: EvmVersion): Promise<Deployment> {
  const privateKey = readDeployerKey()
  const deployment = await step(
    'Deploying contracts',
    () => deployStack({ rpcUrl, measurement, privateKey, evmVersion }),
    (d) => `Ledger ${d.contracts.ledger} (${d.evmVersion})`,
  )
  await writeDeployment(path, deployment)
  console.log(`Deployment written to ${path}`)
  return deployment
}

/** The deployer key comes from the environment, never from argv (which other users can read in `ps`). */
function readDeployerKey(): Hex | undefined {
  const key = process.env.ANONIFY_DEPLOYER_KEY
  if (key === undefined || key === '') return undefined
  if (!/^0x[0-9a-fA-F]{64}$/.test(key))
    throw new AnonifyError('ANONIFY_DEPLOYER_KEY is not a private key.', { metaMessages: ['Use 0x followed by 64 hex digits.'] })
  return key as Hex
}
