/** What a node's enclave has applied, read from its sealed state on its own machine without disturbing it. */
import { existsSync } from 'node:fs'
import type { EnclaveStatus } from '../../enclave-wasm/protocol'
import { createSimMachine } from '../../enclave-wasm/platform/sim/createSimPlatform'
import { loadOrCreateSimMachine } from '../storage/simMachineStore'
import type { Deployment } from '../deployment/parseDeployment'
import { startNodeEnclave } from '../enclave/startNodeEnclave'
import { fileStore } from '../storage/fileStore'
import { dataDirFiles } from './startHeadlessMember'

/**
 * Boots the enclave on the data dir's machine and binds it to its sealed state (nothing is written back).
 * Without a data dir, a fresh enclave on a throwaway machine reports the build's measurement only.
 * @example
 * const { epoch, seq } = await readEnclaveView({ deployment, dataDir: '.anonify/node' })
 */
export async function readEnclaveView({
  deployment,
  dataDir,
}: {
  deployment: Deployment
  dataDir: string | undefined
}): Promise<EnclaveStatus> {
  const files = dataDir ? dataDirFiles(dataDir) : undefined
  const machine =
    files && existsSync(files.machine)
      ? await loadOrCreateSimMachine(fileStore(files.machine), files.machine)
      : await createSimMachine()
  const { client } = await startNodeEnclave({ machine })
  try {
    if (files) {
      const sealed = await fileStore(files.sealedState).load()
      await client.bind({ chainId: BigInt(deployment.chainId), ledger: deployment.contracts.ledger, sealed })
    }
    return await client.getStatus()
  } finally {
    await client.close()
  }
}
