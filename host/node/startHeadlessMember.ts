/** Starts a headless member from a data dir: its simulated machine, its sealed state, its enclave and its loop. */
import { join } from 'node:path'
import type { Account, Address } from 'viem'
import { loadOrCreateSimMachine } from '../../enclave-wasm/platform/sim/simMachineFile'
import { createLedgerClients } from '../chain/createLedgerClients'
import type { Deployment } from '../deployment/parseDeployment'
import { startNodeEnclave } from '../enclave/startNodeEnclave'
import { fileStore } from '../storage/fileStore'
import { createMemberNode, type MemberNode, type MemberNodeEvent } from './createMemberNode'

/** Files of a node's data dir. */
export const dataDirFiles = (dataDir: string) => ({
  machine: join(dataDir, 'sim-machine.json'),
  sealedState: join(dataDir, 'enclave.sealed'),
})

export type StartHeadlessMemberParameters = {
  deployment: Deployment
  /** May differ from the deployment's (another endpoint of the same chain). */
  rpcUrl: string
  dataDir: string
  /** The operator: pays for registration and group transactions. */
  account: Account | Address
  onEvent?: ((event: MemberNodeEvent) => void) | undefined
}

export type HeadlessMember = {
  node: MemberNode
  /** Resolves when the loop ends; rejects if the enclave crashed. */
  done: Promise<void>
  /** Stops the loop, seals a last time and ends the Worker. */
  stop: () => Promise<void>
}

/**
 * @example
 * const member = await startHeadlessMember({ deployment, rpcUrl, dataDir: '.anonify/node', account })
 * process.once('SIGINT', () => void member.stop())
 */
export async function startHeadlessMember(parameters: StartHeadlessMemberParameters): Promise<HeadlessMember> {
  const { deployment, rpcUrl, dataDir, account, onEvent } = parameters
  const files = dataDirFiles(dataDir)
  const { client } = await startNodeEnclave({ machine: await loadOrCreateSimMachine(files.machine) })
  const clients = createLedgerClients({ rpcUrl, chainId: deployment.chainId, account })
  const node = createMemberNode({ enclave: client, clients, deployment, store: fileStore(files.sealedState), onEvent })
  await node.bind().catch(async (error: unknown) => {
    await client.close()
    throw error
  })
  const done = node.start()
  return {
    node,
    done,
    stop: async () => {
      await node.stop()
      await client.close()
    },
  }
}
