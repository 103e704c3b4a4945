/** Starts a headless member from a data dir: its simulated machine, its sealed state, its enclave and its loop. */
import { join } from 'node:path'
import type { Account, Address } from 'viem'
import { loadOrCreateSimMachine } from '../storage/simMachineStore'
import { createLedgerClients } from '../chain/createLedgerClients'
import type { Deployment } from '../deployment/parseDeployment'
import type { EnclaveClient } from '../enclave/createEnclaveClient'
import { startNodeEnclave } from '../enclave/startNodeEnclave'
import { openFileExchange } from '../checkpoint/fileExchange'
import { nodeExchange, withPeer } from '../checkpoint/nodeExchange'
import { createNodeClient } from '../relayer/createNodeClient'
import { createNodeServer, type NodeServer } from '../relayer/createNodeServer'
import { createRelayer } from '../relayer/createRelayer'
import { fileStore } from '../storage/fileStore'
import { createAppliedSeq } from './appliedSeq'
import { createMemberNode, type MemberNode, type MemberNodeEvent } from './createMemberNode'

/** Files of a node's data dir. */
export const dataDirFiles = (dataDir: string) => ({
  machine: join(dataDir, 'sim-machine.json'),
  sealedState: join(dataDir, 'enclave.sealed'),
  relayerQueue: join(dataDir, 'relayer-queue.json'),
  /** The checkpoints and snapshots this node serves (host/checkpoint/fileExchange.ts). */
  checkpoints: join(dataDir, 'checkpoints'),
})

export type StartHeadlessMemberParameters = {
  deployment: Deployment
  /** May differ from the deployment's (another endpoint of the same chain). */
  rpcUrl: string
  dataDir: string
  /** The operator: pays for registration and group transactions. */
  account: Account | Address
  onEvent?: ((event: MemberNodeEvent) => void) | undefined
  /** Serve the relayer and read API on this loopback port (0 picks a free one); off when undefined. */
  httpPort?: number | undefined
  /** Web origins whose pages may call that API (createNodeServer); none by default. */
  allowedOrigins?: ReadonlySet<string> | undefined
  /** Rate-limit by `X-Forwarded-For` of requests from a loopback proxy (createNodeServer); off by default. */
  trustLoopbackProxy?: boolean | undefined
  /**
   * Another member's node API (`http://…:8547`): this node co-signs checkpoints there and, joining late, restores
   * from the checkpoints and snapshots it serves. Without it the node has only its own.
   */
  peerUrl?: string | undefined
}

export type HeadlessMember = {
  node: MemberNode
  enclave: EnclaveClient
  /** Base URL of the node's HTTP API, when it serves one. */
  url: string | undefined
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
  const { deployment, rpcUrl, dataDir, account, onEvent, httpPort, allowedOrigins, trustLoopbackProxy, peerUrl } =
    parameters
  const files = dataDirFiles(dataDir)
  const { client } = await startNodeEnclave({
    machine: await loadOrCreateSimMachine(fileStore(files.machine), files.machine),
  })
  const clients = createLedgerClients({ rpcUrl, chainId: deployment.chainId, account })
  const own = await openFileExchange(files.checkpoints)
  const checkpoints = peerUrl ? withPeer(own, nodeExchange(createNodeClient(peerUrl))) : own
  // What the API pushes at /v1/events: the seq after each sync, once its inputs are applied and sealed.
  const applied = createAppliedSeq()
  const node = createMemberNode({
    enclave: client,
    clients,
    deployment,
    store: fileStore(files.sealedState),
    onEvent: (event) => {
      // A restore is state applied too: a wallet that waited for a restoring node reads it now.
      if (event.type === 'synced' || event.type === 'restored') applied.advance(event.seq)
      onEvent?.(event)
    },
    checkpoints,
  })
  const relayer = await createRelayer({
    enclave: client,
    clients,
    ledger: deployment.contracts.ledger,
    finality: deployment.finality,
    store: fileStore(files.relayerQueue),
    onError: (error) => onEvent?.({ type: 'error', error }),
  })
  // Bound and listening before the loop starts, so a failure here leaves no loop or Worker running behind it.
  let server: NodeServer | undefined
  try {
    await node.bind()
    if (httpPort !== undefined) {
      // Where the sealed state left the enclave: the seq a subscriber hears first until the loop syncs further.
      applied.advance((await client.getStatus()).seq)
      server = await createNodeServer({
        enclave: client,
        relayer,
        port: httpPort,
        allowedOrigins,
        trustLoopbackProxy,
        checkpoints: { exchange: own, chainId: BigInt(deployment.chainId), ledger: deployment.contracts.ledger },
        applied,
      })
    }
  } catch (error) {
    await client.close()
    throw error
  }
  const done = node.start()
  return {
    node,
    enclave: client,
    url: server?.url,
    done,
    stop: async () => {
      try {
        await server?.close()
        await relayer.stop()
        await node.stop()
      } finally {
        // Even when the last seal fails (a crashed enclave), no Worker outlives its member.
        await client.close()
      }
    },
  }
}
