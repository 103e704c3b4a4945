/**
 * Test support for group tests on a real chain: anvil with the stack deployed, member nodes on simulated machines,
 * and wallets that seal, post and read as a person's wallet would. One place, so every anvil test sets up the group,
 * steps it and reads from it the same way.
 */
import { keccak256, toHex, type Address } from 'viem'
import { privateKeyToAccount, type PrivateKeyAccount } from 'viem/accounts'
import type { CoreCommand } from '../../enclave-wasm/envelopes/coreCommands'
import { ENCLAVE_BUILD_DIR } from '../../enclave-wasm/platform/launchNodeEnclave'
import { readEnclaveManifest } from '../../enclave-wasm/platform/manifest'
import { createSimMachine, type SimMachine } from '../../enclave-wasm/platform/sim/createSimPlatform'
import type { EnclaveStatus } from '../../enclave-wasm/protocol'
import { unlockedAccountClients } from '../chain/createLedgerClients'
import { createMemoryExchange, type CheckpointExchange } from '../checkpoint/checkpointExchange'
import { startAnvil, type Anvil, type StartAnvilParameters } from '../chain/startAnvil'
import { deployStack, type DeployStackParameters } from '../deployment/deployStack'
import type { Deployment } from '../deployment/parseDeployment'
import type { EnclaveClient } from '../enclave/createEnclaveClient'
import { startNodeEnclave } from '../enclave/startNodeEnclave'
import { readAccount } from '../envelopes/readAccount'
import { sealCommand } from '../envelopes/sealCommand'
import type { LedgerClients } from '../ledger/confirmTransaction'
import { MAX_RECORDS_PER_BATCH } from '../ledger/constants'
import { readGroup } from '../ledger/readGroup'
import { submitBatch } from '../ledger/submitBatch'
import { memoryStore, type SealedStateStore } from '../storage/sealedStateStore'
import { createMemberNode, type CreateMemberNodeParameters, type MemberNode } from './createMemberNode'
import { stepUntil } from './stepUntil'

/** A test wallet whose key follows from its name, so runs reproduce. */
export const testWallet = (name: string): PrivateKeyAccount => privateKeyToAccount(keccak256(toHex(name)))

export type TestReplica = {
  node: MemberNode
  enclave: EnclaveClient
  machine: SimMachine
  store: SealedStateStore
}

export type StartReplicaOptions = Partial<Pick<CreateMemberNodeParameters, 'saveIntervalMs' | 'onEvent'>> & {
  /** Restart on this machine (the same sealing key) instead of a new one. */
  machine?: SimMachine | undefined
  store?: SealedStateStore | undefined
}

export type SealOptions = {
  nonce?: bigint
  deadlineBlock?: bigint
  epoch?: number
}

export type TestChain = {
  anvil: Anvil
  deployment: Deployment
  ledger: Address
  /** Ledger clients of anvil's prefunded account `index` (0 is the governor, 5 posts by convention). */
  clients(index: number): LedgerClients
  /** The poster's clients (account 5): submits batches for the tests' wallets, which hold no ETH. */
  poster: LedgerClients
  /** Where every replica leaves its checkpoints and finds the one it restores from. */
  checkpoints: CheckpointExchange
  /** Starts (or restarts, given its machine and store) a member node operated by account `index`, bound. */
  startReplica(index: number, options?: StartReplicaOptions): Promise<TestReplica>
  chainSeq(): Promise<bigint>
  /** Steps `replicas` until each has applied every input on chain; `beforeRound` runs first in each round. */
  syncAll(replicas: readonly TestReplica[], beforeRound?: () => Promise<unknown>): Promise<EnclaveStatus[]>
  /** Steps `replicas` until they form a group of them all with a settled epoch and nothing left to do. */
  formGroup(replicas: readonly TestReplica[], beforeRound?: () => Promise<unknown>, maxRounds?: number): Promise<void>
  /** A wallet-sealed record for the current epoch, with the wallet's next nonce unless told otherwise. */
  seal(from: PrivateKeyAccount, command: CoreCommand, options?: SealOptions): Promise<Uint8Array>
  /** Posts `records` in batches of at most MAX_RECORDS_PER_BATCH and waits for each receipt. */
  post(records: readonly Uint8Array[]): Promise<void>
  /** What `replica` tells `who`'s own wallet (an authenticated, sealed read). */
  accountOn(replica: TestReplica, who: PrivateKeyAccount): ReturnType<typeof readAccount>
  roots(replicas: readonly TestReplica[]): Promise<(string | undefined)[]>
  stop(): Promise<void>
}

export type StartTestChainParameters = {
  anvil?: StartAnvilParameters | undefined
  finality?: DeployStackParameters['finality']
}

export async function startTestChain(parameters: StartTestChainParameters = {}): Promise<TestChain> {
  const anvil = await startAnvil(parameters.anvil)
  const started: EnclaveClient[] = []
  try {
    const deployment = await deployStack({
      rpcUrl: anvil.rpcUrl,
      measurement: (await readEnclaveManifest(ENCLAVE_BUILD_DIR)).measurement,
      finality: parameters.finality,
    })
    const ledger = deployment.contracts.ledger
    const clients = await unlockedAccountClients(anvil.rpcUrl, deployment.chainId)
    const poster = clients(5)
    const nonces = new Map<Address, bigint>()
    const chainSeq = async () => (await readGroup(poster.publicClient, { ledger })).seq
    // One exchange for the whole group, as members' node APIs would be: a late joiner restores from what others left.
    const checkpoints = createMemoryExchange()

    const chain: TestChain = {
      anvil,
      deployment,
      ledger,
      clients,
      poster,
      checkpoints,
      chainSeq,
      async startReplica(index, options = {}) {
        const machine = options.machine ?? (await createSimMachine())
        const store = options.store ?? memoryStore()
        const { client: enclave } = await startNodeEnclave({ machine })
        started.push(enclave)
        const node = createMemberNode({
          enclave,
          clients: clients(index),
          deployment,
          store,
          saveIntervalMs: options.saveIntervalMs,
          onEvent: options.onEvent,
          checkpoints,
        })
        await node.bind()
        return { node, enclave, machine, store }
      },
      async syncAll(replicas, beforeRound) {
        const seq = await chainSeq()
        return stepUntil(
          replicas.map((r) => r.node),
          async (statuses) => {
            await beforeRound?.()
            return statuses.every((s) => s.seq === seq)
          },
        )
      },
      async formGroup(replicas, beforeRound, maxRounds) {
        await stepUntil(
          replicas.map((r) => r.node),
          async (statuses) => {
            await beforeRound?.()
            return statuses.every(
              (s) => s.members.length === replicas.length && s.holdsEpoch && !s.rekeyNeeded && !s.initKeyRotationDue,
            )
          },
          maxRounds,
        )
      },
      async seal(from, command, options = {}) {
        const group = await readGroup(poster.publicClient, { ledger })
        const nonce = options.nonce ?? nonces.get(from.address) ?? 0n
        if (options.nonce === undefined) nonces.set(from.address, nonce + 1n)
        return sealCommand({
          chainId: BigInt(deployment.chainId),
          ledger,
          epoch: options.epoch ?? Number(group.epoch),
          cmdPubKey: group.cmdPubKey,
          account: from.address,
          nonce,
          deadlineBlock: options.deadlineBlock ?? (await poster.publicClient.getBlockNumber()) + 100n,
          command,
          signTypedData: (typedData) => from.signTypedData(typedData),
        })
      },
      async post(records) {
        for (let i = 0; i < records.length; i += MAX_RECORDS_PER_BATCH) {
          const hash = await submitBatch(poster.walletClient, {
            ledger,
            records: records.slice(i, i + MAX_RECORDS_PER_BATCH),
          })
          await poster.publicClient.waitForTransactionReceipt({ hash })
        }
      },
      accountOn: (replica, who) =>
        readAccount(replica.enclave, {
          chainId: BigInt(deployment.chainId),
          ledger,
          account: who.address,
          signTypedData: (typedData) => who.signTypedData(typedData),
        }),
      roots: (replicas) => Promise.all(replicas.map(async (r) => (await r.enclave.getStatus()).root)),
      async stop() {
        await Promise.all(started.map((enclave) => enclave.close().catch(() => {})))
        await anvil.stop()
      },
    }
    return chain
  } catch (error) {
    await anvil.stop()
    throw error
  }
}
