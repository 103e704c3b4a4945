/**
 * What every command-path measurement runs on: a private anvil, the deployed stack, two member replicas in Node
 * workers, a relayer account, an issuer and 128 funded payers.
 */
import { keccak256, toHex, type Hex } from 'viem'
import { privateKeyToAccount, type PrivateKeyAccount } from 'viem/accounts'
import type { CoreCommand } from '../../enclave-wasm/envelopes/coreCommands'
import { createSimMachine, type SimMachine } from '../../enclave-wasm/platform/sim/createSimPlatform'
import { unlockedAccountClients } from '../chain/createLedgerClients'
import { startAnvil, type Anvil } from '../chain/startAnvil'
import { deployStack } from '../deployment/deployStack'
import type { Deployment } from '../deployment/parseDeployment'
import type { EnclaveClient } from '../enclave/createEnclaveClient'
import { startNodeEnclave } from '../enclave/startNodeEnclave'
import { sealCommand } from '../envelopes/sealCommand'
import type { LedgerClients } from '../ledger/confirmTransaction'
import { readGroup } from '../ledger/readGroup'
import { submitBatch } from '../ledger/submitBatch'
import { submitSessionBatch } from '../ledger/submitSessionBatch'
import { createMemberNode, type MemberNode } from '../node/createMemberNode'
import { stepUntil } from '../node/stepUntil'
import { memoryStore } from '../storage/sealedStateStore'

export const BENCH_PAYERS = 128
/** Far enough ahead that no bench command expires. */
export const BENCH_DEADLINE = 1_000_000_000n

export type BenchStack = {
  anvil: Anvil
  deployment: Deployment
  nodes: MemberNode[]
  enclaves: EnclaveClient[]
  machines: SimMachine[]
  relayer: LedgerClients
  payers: PrivateKeyAccount[]
  payee: PrivateKeyAccount
  /** The next nonce of each account, kept by the bench as a wallet would. */
  nextNonce: (account: PrivateKeyAccount) => bigint
  /** Signs and seals `command` for the current epoch with the account's next nonce. */
  seal: (from: PrivateKeyAccount, command: CoreCommand) => Promise<Uint8Array>
  post: (records: Uint8Array[]) => Promise<{ gasUsed: bigint }>
  postSessions: (records: Uint8Array[]) => Promise<{ gasUsed: bigint }>
  /** Steps both replicas until each has applied every input on chain. */
  syncAll: () => Promise<void>
  stop: () => Promise<void>
}

/** Starts the stack and funds the payers with 1,000,000 each. */
export async function startBenchStack({ measurement }: { measurement: Hex }): Promise<BenchStack> {
  const anvil = await startAnvil()
  const enclaves: EnclaveClient[] = []
  const stop = async () => {
    await Promise.all(enclaves.map((e) => e.close()))
    await anvil.stop()
  }
  try {
    const deployment = await deployStack({ rpcUrl: anvil.rpcUrl, measurement })
    const ledger = deployment.contracts.ledger
    const clientsOf = await unlockedAccountClients(anvil.rpcUrl, deployment.chainId, 20)
    const nodes: MemberNode[] = []
    const machines: SimMachine[] = []
    for (const index of [1, 2]) {
      const machine = await createSimMachine()
      const { client } = await startNodeEnclave({ machine })
      enclaves.push(client)
      machines.push(machine)
      const node = createMemberNode({ enclave: client, clients: clientsOf(index), deployment, store: memoryStore() })
      await node.bind()
      nodes.push(node)
    }
    await stepUntil(nodes, (s) =>
      s.every((x) => x.members.length === 2 && x.holdsEpoch && !x.rekeyNeeded && !x.initKeyRotationDue),
    )

    const relayer = clientsOf(5)
    const { epoch, cmdPubKey } = await readGroup(relayer.publicClient, { ledger })
    const nonces = new Map<string, bigint>()
    const nextNonce = (account: PrivateKeyAccount) => {
      const nonce = nonces.get(account.address) ?? 0n
      nonces.set(account.address, nonce + 1n)
      return nonce
    }
    const seal = (from: PrivateKeyAccount, command: CoreCommand) =>
      sealCommand({
        chainId: BigInt(deployment.chainId),
        ledger,
        epoch: Number(epoch),
        cmdPubKey,
        account: from.address,
        nonce: nextNonce(from),
        deadlineBlock: BENCH_DEADLINE,
        command,
        signTypedData: (typedData) => from.signTypedData(typedData),
      })
    const confirm = async (hash: Hex) => relayer.publicClient.waitForTransactionReceipt({ hash })
    const post = async (records: Uint8Array[]) => confirm(await submitBatch(relayer.walletClient, { ledger, records }))
    const postSessions = async (records: Uint8Array[]) =>
      confirm(await submitSessionBatch(relayer.walletClient, { ledger, records }))
    const syncAll = async () => {
      const { seq } = await readGroup(relayer.publicClient, { ledger })
      await stepUntil(nodes, (s) => s.every((x) => x.seq === seq))
    }

    const issuer = privateKeyToAccount(keccak256(toHex('bench issuer')))
    const payers = Array.from({ length: BENCH_PAYERS }, (_, i) =>
      privateKeyToAccount(keccak256(toHex(`bench payer ${i}`))),
    )
    const payee = privateKeyToAccount(keccak256(toHex('bench payee')))
    await post([await seal(issuer, { op: 'init' })])
    for (let i = 0; i < payers.length; i += 64)
      await post(
        await Promise.all(
          payers.slice(i, i + 64).map((p) => seal(issuer, { op: 'mint', to: p.address, amount: 1_000_000n })),
        ),
      )
    await syncAll()
    return {
      anvil,
      deployment,
      nodes,
      enclaves,
      machines,
      relayer,
      payers,
      payee,
      nextNonce,
      seal,
      post,
      postSessions,
      syncAll,
      stop,
    }
  } catch (error) {
    await stop()
    throw error
  }
}
