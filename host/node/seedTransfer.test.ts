/**
 * The seed's transfer, headless: two member nodes, an issuer, Alice and Bob with wallets that hold no ETH, and a
 * relayer. Alice holds 100 and pays Bob 60; both replicas show 40 / 60; the chain holds only ciphertext; every bad
 * command is refused identically by both enclaves; a node stopped mid-run catches up to the same root.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createWalletClient, http, keccak256, toHex, type Address, type Hex } from 'viem'
import { privateKeyToAccount, type PrivateKeyAccount } from 'viem/accounts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ENCLAVE_BUILD_DIR } from '../../enclave-wasm/platform/launchNodeEnclave'
import { readEnclaveManifest } from '../../enclave-wasm/platform/manifest'
import { createSimMachine, type SimMachine } from '../../enclave-wasm/platform/sim/createSimPlatform'
import type { TokenCommand } from '../../enclave-wasm/envelopes/tokenCommands'
import * as codes from '../../enclave-wasm/shared/constants'
import { createLedgerClients } from '../chain/createLedgerClients'
import { startAnvil, type Anvil } from '../chain/startAnvil'
import { deployStack } from '../deployment/deployStack'
import type { Deployment } from '../deployment/parseDeployment'
import type { EnclaveClient } from '../enclave/createEnclaveClient'
import { startNodeEnclave } from '../enclave/startNodeEnclave'
import { readAccount } from '../envelopes/readAccount'
import { sealCommand } from '../envelopes/sealCommand'
import type { LedgerClients } from '../ledger/confirmTransaction'
import { readGroup } from '../ledger/readGroup'
import { submitBatch } from '../ledger/submitBatch'
import { fileStore } from '../storage/fileStore'
import { createMemberNode, type MemberNode } from './createMemberNode'
import { stepUntil } from './stepUntil'

const wallet = (name: string) => privateKeyToAccount(keccak256(toHex(name)))
const issuer = wallet('issuer')
const alice = wallet('alice')
const bob = wallet('bob')

let anvil: Anvil
let deployment: Deployment
let relayer: LedgerClients
let dataRoot: string
type Replica = { node: MemberNode; enclave: EnclaveClient; machine: SimMachine; dir: string }
const replicas: Replica[] = []
const nonces = new Map<Address, bigint>()

async function operator(index: number): Promise<LedgerClients> {
  const accounts = await createWalletClient({ transport: http(anvil.rpcUrl) }).getAddresses()
  return createLedgerClients({ rpcUrl: anvil.rpcUrl, chainId: deployment.chainId, account: accounts[index]!, pollingIntervalMs: 50 })
}

async function startReplica(name: string, accountIndex: number, machine?: SimMachine): Promise<Replica> {
  const dir = join(dataRoot, name)
  const ownMachine = machine ?? (await createSimMachine())
  const { client } = await startNodeEnclave({ machine: ownMachine })
  const node = createMemberNode({ enclave: client, clients: await operator(accountIndex), deployment, store: fileStore(join(dir, 'enclave.sealed')) })
  await node.bind()
  return { node, enclave: client, machine: ownMachine, dir }
}

/** Steps the replicas until each has applied every input on chain. */
async function sync(nodes: Replica[] = replicas) {
  const { seq } = await readGroup(relayer.publicClient, { ledger: deployment.contracts.ledger })
  return stepUntil(
    nodes.map((r) => r.node),
    (statuses) => statuses.every((s) => s.seq === seq),
  )
}

type SealOptions = { nonce?: bigint; deadlineBlock?: bigint; epoch?: number }

/** A wallet-sealed record for the current epoch, with the wallet's next nonce unless told otherwise. */
async function seal(from: PrivateKeyAccount, command: TokenCommand, options: SealOptions = {}): Promise<Uint8Array> {
  const group = await readGroup(relayer.publicClient, { ledger: deployment.contracts.ledger })
  const nonce = options.nonce ?? nonces.get(from.address) ?? 0n
  if (options.nonce === undefined) nonces.set(from.address, nonce + 1n)
  return sealCommand({
    chainId: BigInt(deployment.chainId),
    ledger: deployment.contracts.ledger,
    epoch: options.epoch ?? Number(group.epoch),
    cmdPubKey: group.cmdPubKey,
    account: from.address,
    nonce,
    deadlineBlock: options.deadlineBlock ?? (await relayer.publicClient.getBlockNumber()) + 100n,
    command,
    signTypedData: (typedData) => from.signTypedData(typedData),
  })
}

async function post(records: Uint8Array[]) {
  const hash = await submitBatch(relayer.walletClient, { ledger: deployment.contracts.ledger, records })
  const receipt = await relayer.publicClient.waitForTransactionReceipt({ hash })
  await sync()
  return { hash, receipt }
}

/** What each replica tells the account's own wallet (an authenticated, sealed read). */
const accountOn = (replica: Replica, who: PrivateKeyAccount) =>
  readAccount(replica.enclave, {
    chainId: BigInt(deployment.chainId),
    ledger: deployment.contracts.ledger,
    account: who.address,
    signTypedData: (typedData) => who.signTypedData(typedData),
  })
const balanceOn = async (replica: Replica, who: PrivateKeyAccount) => (await accountOn(replica, who)).balance
/** The outcome code each replica reports to Alice's wallet for her latest signed command. */
const aliceReceipts = async () => Promise.all(replicas.map(async (r) => (await accountOn(r, alice)).receipt?.code))
const balances = async () => Promise.all(replicas.map(async (r) => [await balanceOn(r, alice), await balanceOn(r, bob)]))
const roots = async () => Promise.all(replicas.map(async (r) => (await r.enclave.getStatus()).root))

beforeAll(async () => {
  dataRoot = await mkdtemp(join(tmpdir(), 'anonify-seed-'))
  anvil = await startAnvil()
  deployment = await deployStack({ rpcUrl: anvil.rpcUrl, measurement: (await readEnclaveManifest(ENCLAVE_BUILD_DIR)).measurement })
  relayer = await operator(5)
  replicas.push(await startReplica('alice-node', 1), await startReplica('bob-node', 2))
  await stepUntil(
    replicas.map((r) => r.node),
    (statuses) => statuses.every((s) => s.members.length === 2 && s.holdsEpoch && !s.rekeyNeeded && !s.initKeyRotationDue),
  )
}, 120_000)

afterAll(async () => {
  await Promise.all(replicas.map((r) => r.enclave.close().catch(() => {})))
  await anvil?.stop()
  await rm(dataRoot, { recursive: true, force: true })
})

describe('the seed transfer', { timeout: 120_000 }, () => {
  let transferHash: Hex

  it('Alice holds 100, pays Bob 60, and both replicas show 40 / 60', async () => {
    await post([await seal(issuer, { op: 'init' }), await seal(issuer, { op: 'mint', to: alice.address, amount: 100n })])
    expect(await balances()).toEqual([
      [100n, 0n],
      [100n, 0n],
    ])
    ;({ hash: transferHash } = await post([await seal(alice, { op: 'transfer', to: bob.address, amount: 60n })]))
    expect(await balances()).toEqual([
      [40n, 60n],
      [40n, 60n],
    ])
    const [first, second] = await roots()
    expect(first).toBe(second)
    // Each wallet's own history, from either replica: Alice received 100 and sent 60; Bob received 60.
    for (const replica of replicas) {
      expect((await accountOn(replica, alice)).history).toMatchObject([
        { direction: 'received', op: 'mint', amount: 100n, counterparty: issuer.address, code: 0 },
        { direction: 'sent', op: 'transfer', amount: 60n, counterparty: bob.address, code: 0 },
      ])
      expect((await accountOn(replica, bob)).history).toMatchObject([{ direction: 'received', op: 'transfer', amount: 60n, counterparty: alice.address }])
    }
  })

  it('leaves on chain neither party nor amount: the transaction input and logs hold only ciphertext', async () => {
    const transaction = await relayer.publicClient.getTransaction({ hash: transferHash })
    const receipt = await relayer.publicClient.getTransactionReceipt({ hash: transferHash })
    const visible = [transaction.input, ...receipt.logs.map((log) => log.data), ...receipt.logs.flatMap((log) => log.topics)]
      .join('')
      .toLowerCase()
    expect(transaction.from.toLowerCase()).not.toBe(alice.address.toLowerCase())
    for (const secret of [alice.address, bob.address].map((a) => a.slice(2).toLowerCase())) expect(visible).not.toContain(secret)
    expect(visible).not.toContain('0000000000000000000000000000003c')
  })

  it('refuses replay, wrong nonce, expired deadline, wrong epoch, tampering, malformed records and overspend identically', async () => {
    const replayed = await seal(alice, { op: 'transfer', to: bob.address, amount: 1n })
    await post([replayed])
    const before = await balances()
    const { epoch } = await readGroup(relayer.publicClient, { ledger: deployment.contracts.ledger })
    const head = await relayer.publicClient.getBlockNumber()
    const tampered = await seal(alice, { op: 'transfer', to: bob.address, amount: 1n })
    tampered[200]! ^= 1
    const bad: Record<string, Uint8Array> = {
      replay: replayed,
      wrongNonce: await seal(alice, { op: 'transfer', to: bob.address, amount: 1n }, { nonce: 99n }),
      expired: await seal(alice, { op: 'transfer', to: bob.address, amount: 1n }, { nonce: 2n, deadlineBlock: head - 1n }),
      wrongEpoch: await seal(alice, { op: 'transfer', to: bob.address, amount: 1n }, { nonce: 2n, epoch: Number(epoch) + 7 }),
      tampered,
      malformed: Uint8Array.from({ length: 312 }, (_, i) => (i * 37) % 256),
    }
    // What Alice's wallet is told: signed commands get a receipt; records nobody can open get none (a relayer's
    // precheck refuses those before posting, which is how their sender hears of it).
    const told: Record<string, number | undefined> = {
      replay: codes.FAIL_WRONG_NONCE,
      wrongNonce: codes.FAIL_WRONG_NONCE,
      expired: codes.FAIL_EXPIRED,
      wrongEpoch: codes.FAIL_EXPIRED,
      tampered: codes.FAIL_EXPIRED,
      malformed: codes.FAIL_EXPIRED,
    }
    for (const [name, record] of Object.entries(bad)) {
      await post([record])
      expect(await balances(), name).toEqual(before)
      const [first, second] = await roots()
      expect(first, name).toBe(second)
      expect(await aliceReceipts(), name).toEqual([told[name], told[name]])
    }
    // Overspend is a well-formed, signed command: refused by the core, identically on both replicas.
    await post([await seal(alice, { op: 'transfer', to: bob.address, amount: 1_000n }, { nonce: 2n })])
    expect(await balances()).toEqual(before)
    expect(await aliceReceipts()).toEqual([codes.FAIL_INSUFFICIENT_BALANCE, codes.FAIL_INSUFFICIENT_BALANCE])
    const [first, second] = await roots()
    expect(first).toBe(second)
  })

  it('a node stopped in the middle of a run of transfers restarts and converges to the same root', async () => {
    const [aliceNode, bobNode] = replicas as [Replica, Replica]
    nonces.set(alice.address, 3n)
    await post([await seal(alice, { op: 'transfer', to: bob.address, amount: 1n })])
    // Stopped without a goodbye: the Worker dies; only what it sealed while running survives.
    await bobNode.enclave.close()
    replicas.splice(1, 1)
    for (let i = 0; i < 3; i++) await post([await seal(alice, { op: 'transfer', to: bob.address, amount: 1n })])
    const restarted = await startReplica('bob-node', 2, bobNode.machine)
    replicas.push(restarted)
    await sync()
    const [first, second] = await roots()
    expect(second).toBe(first)
    expect(await balanceOn(restarted, bob)).toBe(await balanceOn(aliceNode, bob))
    expect(await balanceOn(aliceNode, bob)).toBe(65n)
  })
})
