/**
 * Issue 11, "no stranger can stop the group", against reorgs and a relayer's own failures, on anvil with real
 * enclaves: two replicas apply only final blocks (2 confirmations), so a reorg that drops a batch changes nothing
 * they applied; the relayer keeps each batch until final and posts again what a reorg dropped, and every command
 * applies once on both. The relayer dedupes, prechecks deadlines and nonce windows, keeps its queue across a
 * restart and does not call a reverted batch posted; the wallet shows a command pending until its block is final.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createTestClient, createWalletClient, http, keccak256, toHex, type Hash, type Hex } from 'viem'
import { privateKeyToAccount, type PrivateKeyAccount } from 'viem/accounts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CoreCommand } from '../../enclave-wasm/envelopes/coreCommands'
import { ENCLAVE_BUILD_DIR } from '../../enclave-wasm/platform/launchNodeEnclave'
import { readEnclaveManifest } from '../../enclave-wasm/platform/manifest'
import { createSimMachine } from '../../enclave-wasm/platform/sim/createSimPlatform'
import { createLedgerClients } from '../chain/createLedgerClients'
import { startAnvil, type Anvil } from '../chain/startAnvil'
import { deployStack } from '../deployment/deployStack'
import type { Deployment } from '../deployment/parseDeployment'
import type { EnclaveClient } from '../enclave/createEnclaveClient'
import { startNodeEnclave } from '../enclave/startNodeEnclave'
import { readAccount } from '../envelopes/readAccount'
import { sealCommand } from '../envelopes/sealCommand'
import { LedgerTransactionError } from '../errors/ledger'
import { BatchDroppedError } from '../errors/relayer'
import type { LedgerClients } from '../ledger/confirmTransaction'
import { readGroup } from '../ledger/readGroup'
import { createMemberNode, type MemberNode } from '../node/createMemberNode'
import { stepUntil } from '../node/stepUntil'
import { fileStore } from '../storage/fileStore'
import { memoryStore } from '../storage/sealedStateStore'
import { createConfidentialWallet } from '../wallet/confidentialWallet'
import { blobSessionStore } from '../wallet/sessionStore'
import { createRelayer, type CreateRelayerParameters, type Relayer } from './createRelayer'

const CONFIRMATIONS = 2
const wallet = (name: string) => privateKeyToAccount(keccak256(toHex(name)))
const issuer = wallet('issuer')
const alice = wallet('alice')
const bob = wallet('bob')

let anvil: Anvil
let deployment: Deployment
let poster: LedgerClients
let dataRoot: string
type Replica = { node: MemberNode; enclave: EnclaveClient }
const replicas: Replica[] = []
const nonces = new Map<Hex, bigint>()
const relayers: Relayer[] = []

const testClient = () => createTestClient({ mode: 'anvil', transport: http(anvil.rpcUrl) })
const mine = (blocks = CONFIRMATIONS) => testClient().mine({ blocks })
const ledger = () => deployment.contracts.ledger
const chainSeq = async () => (await readGroup(poster.publicClient, { ledger: ledger() })).seq

async function operator(index: number): Promise<LedgerClients> {
  const accounts = await createWalletClient({ transport: http(anvil.rpcUrl) }).getAddresses()
  return createLedgerClients({
    rpcUrl: anvil.rpcUrl,
    chainId: deployment.chainId,
    account: accounts[index]!,
    pollingIntervalMs: 50,
  })
}

async function startReplica(accountIndex: number): Promise<Replica> {
  const { client } = await startNodeEnclave({ machine: await createSimMachine() })
  const node = createMemberNode({
    enclave: client,
    clients: await operator(accountIndex),
    deployment,
    store: memoryStore(),
  })
  await node.bind()
  return { node, enclave: client }
}

/** Steps every replica once; what each has applied. */
const stepAll = async () => Promise.all(replicas.map((r) => r.node.step()))

/** Makes the head final (mines the confirmations), then steps the replicas until each applied all of it. */
async function settle() {
  await mine()
  const seq = await chainSeq()
  return stepUntil(
    replicas.map((r) => r.node),
    (statuses) => statuses.every((s) => s.seq === seq),
  )
}

async function aRelayer(overrides: Partial<CreateRelayerParameters> = {}) {
  const relayer = await createRelayer({
    enclave: replicas[0]!.enclave,
    clients: poster,
    ledger: ledger(),
    finality: deployment.finality,
    flushAfterMs: 60_000,
    confirmIntervalMs: 60_000,
    ...overrides,
  })
  relayers.push(relayer)
  return relayer
}

type SealOptions = { nonce?: bigint; deadlineBlock?: bigint }

/** A wallet-sealed record, with the wallet's next nonce unless told otherwise. */
async function seal(from: PrivateKeyAccount, command: CoreCommand, options: SealOptions = {}): Promise<Uint8Array> {
  const group = await readGroup(poster.publicClient, { ledger: ledger() })
  const nonce = options.nonce ?? nonces.get(from.address) ?? 0n
  if (options.nonce === undefined) nonces.set(from.address, nonce + 1n)
  return sealCommand({
    chainId: BigInt(deployment.chainId),
    ledger: ledger(),
    epoch: Number(group.epoch),
    cmdPubKey: group.cmdPubKey,
    account: from.address,
    nonce,
    deadlineBlock: options.deadlineBlock ?? (await poster.publicClient.getBlockNumber()) + 100n,
    command,
    signTypedData: (typedData) => from.signTypedData(typedData),
  })
}

const accountOn = (replica: Replica, who: PrivateKeyAccount) =>
  readAccount(replica.enclave, {
    chainId: BigInt(deployment.chainId),
    ledger: ledger(),
    account: who.address,
    signTypedData: (typedData) => who.signTypedData(typedData),
  })
const balances = async () =>
  Promise.all(
    replicas.map(async (r) => [
      (await accountOn(r, alice)).apps.token.balance,
      (await accountOn(r, bob)).apps.token.balance,
    ]),
  )
const roots = async () => Promise.all(replicas.map(async (r) => (await r.enclave.getStatus()).root))
/** Alice's transfers each replica applied, from her own history. */
const aliceSent = async () =>
  Promise.all(replicas.map(async (r) => (await accountOn(r, alice)).history.filter((e) => e.direction === 'sent')))

/** Collects what a relayer reports: batches final on chain, and errors. */
function recorder() {
  const posted: { records: number; hash: Hash }[] = []
  const errors: unknown[] = []
  return {
    posted,
    errors,
    onPosted: (records: number, hash: Hash) => posted.push({ records, hash }),
    onError: (error: unknown) => errors.push(error),
  }
}

beforeAll(async () => {
  dataRoot = await mkdtemp(join(tmpdir(), 'anonify-finality-'))
  // Automine, so each test decides when blocks come; the dev chain's policy, as `anonify dev`'s anvil gets it.
  anvil = await startAnvil()
  deployment = await deployStack({
    rpcUrl: anvil.rpcUrl,
    measurement: (await readEnclaveManifest(ENCLAVE_BUILD_DIR)).measurement,
    finality: { confirmations: CONFIRMATIONS },
  })
  poster = await operator(5)
  replicas.push(await startReplica(1), await startReplica(2))
  // Each round mines the confirmations, so what the members posted becomes final for the next round.
  await stepUntil(
    replicas.map((r) => r.node),
    async (statuses) => {
      await mine()
      return statuses.every((s) => s.members.length === 2 && s.holdsEpoch && !s.rekeyNeeded && !s.initKeyRotationDue)
    },
    24,
  )
  await settle()
  const setup = await aRelayer()
  await setup.accept(await seal(issuer, { op: 'init' }))
  await setup.accept(await seal(issuer, { op: 'mint', to: alice.address, amount: 100n }))
  await setup.flush()
  await settle()
  await setup.confirm()
}, 180_000)

afterAll(async () => {
  for (const relayer of relayers) await relayer.stop().catch(() => {})
  await Promise.all(replicas.map((r) => r.enclave.close().catch(() => {})))
  await anvil?.stop()
  await rm(dataRoot, { recursive: true, force: true })
})

describe('finality and the relayer', { timeout: 120_000 }, () => {
  it('a reorg drops a batch: no replica applied it, the relayer posts it again, both apply it once and agree', async () => {
    expect(await balances()).toEqual([
      [100n, 0n],
      [100n, 0n],
    ])
    const seqBefore = await chainSeq()
    const report = recorder()
    const relayer = await aRelayer(report)
    expect(await relayer.accept(await seal(alice, { op: 'transfer', to: bob.address, amount: 60n }))).toBe(true)
    await relayer.flush()
    expect(await chainSeq()).toBe(seqBefore + 1n)
    // One block on top: not final yet, so neither replica applies the transfer.
    await mine(CONFIRMATIONS - 1)
    for (const status of await stepAll()) expect(status.seq).toBe(seqBefore)
    // The block holding the batch (and the one above it) is replaced by empty blocks: the chain never had it.
    await testClient().request({ method: 'anvil_reorg', params: [CONFIRMATIONS, []] } as never)
    expect(await chainSeq()).toBe(seqBefore)
    await mine()
    for (const status of await stepAll()) expect(status.seq).toBe(seqBefore)

    // The relayer sees its receipt gone and posts the batch again; once final, both apply it once.
    await relayer.confirm()
    expect(report.posted).toEqual([])
    expect(await chainSeq()).toBe(seqBefore + 1n)
    await settle()
    await relayer.confirm()
    expect(report.posted).toEqual([{ records: 1, hash: expect.any(String) }])
    expect(relayer.pending()).toBe(0)
    expect(await balances()).toEqual([
      [40n, 60n],
      [40n, 60n],
    ])
    const [first, second] = await roots()
    expect(second).toBe(first)
    for (const sent of await aliceSent()) expect(sent).toMatchObject([{ op: 'transfer', amount: 60n, code: 0 }])
  })

  it('five POSTs of one record are posted once', async () => {
    const seqBefore = await chainSeq()
    const report = recorder()
    const relayer = await aRelayer(report)
    const record = await seal(alice, { op: 'transfer', to: bob.address, amount: 1n })
    expect(await Promise.all(Array.from({ length: 5 }, () => relayer.accept(record)))).toEqual(Array(5).fill(true))
    expect(relayer.pending()).toBe(1)
    await relayer.flush()
    await settle()
    await relayer.confirm()
    // Once final it is remembered: a sixth copy is answered as already posted, and not posted again.
    expect(await relayer.accept(record)).toBe(true)
    await relayer.flush()
    expect(report.posted).toEqual([{ records: 1, hash: expect.any(String) }])
    expect(await chainSeq()).toBe(seqBefore + 1n)
  })

  it('precheck refuses a record past its deadline and one whose nonce is far ahead of the account', async () => {
    const relayer = await aRelayer()
    const head = await poster.publicClient.getBlockNumber()
    const { nonce } = await accountOn(replicas[0]!, alice)
    const transfer: CoreCommand = { op: 'transfer', to: bob.address, amount: 1n }
    expect(await relayer.accept(await seal(alice, transfer, { nonce, deadlineBlock: head - 1n }))).toBe(false)
    expect(await relayer.accept(await seal(alice, transfer, { nonce: nonce + 16n }))).toBe(false)
    // Inside the window (a wallet's commands in flight before the first is final) is accepted.
    expect(await relayer.accept(await seal(alice, transfer, { nonce: nonce + 15n }))).toBe(true)
    expect(relayer.pending()).toBe(1)
  })

  it('a relayer stopped with records queued posts them after it restarts over the same data dir', async () => {
    const store = fileStore(join(dataRoot, 'relayer', 'relayer-queue.json'))
    const first = await aRelayer({ store })
    const records = [
      await seal(alice, { op: 'transfer', to: bob.address, amount: 2n }),
      await seal(alice, { op: 'transfer', to: bob.address, amount: 3n }),
    ]
    for (const record of records) expect(await first.accept(record)).toBe(true)
    await first.stop()
    const seqBefore = await chainSeq()

    const report = recorder()
    const restarted = await aRelayer({ store, ...report })
    expect(restarted.pending()).toBe(2)
    await restarted.flush()
    await settle()
    await restarted.confirm()
    expect(report.posted).toEqual([{ records: 2, hash: expect.any(String) }])
    expect(await chainSeq()).toBe(seqBefore + 1n)
    for (const sent of await aliceSent()) expect(sent.slice(-2)).toMatchObject([{ amount: 2n }, { amount: 3n }])
  })

  it('a reverted batch is not reported as posted: it is retried, and dropped with an error after the last attempt', async () => {
    const code = (await poster.publicClient.getCode({ address: ledger() }))!
    const report = recorder()
    const relayer = await aRelayer({ ...report, maxAttempts: 2 })
    const record = await seal(alice, { op: 'transfer', to: bob.address, amount: 4n })
    expect(await relayer.accept(record)).toBe(true)
    // Sent while the Ledger works, mined after its code reverts everything: a mined, reverted transaction.
    await testClient().setAutomine(false)
    const flushed = relayer.flush()
    await until(async () => (await testClient().getTxpoolStatus()).pending === 1)
    await testClient().setCode({ address: ledger(), bytecode: '0x60006000fd' })
    await mine(1)
    await testClient().setCode({ address: ledger(), bytecode: code })
    await testClient().setAutomine(true)
    await flushed
    expect(report.errors).toEqual([expect.any(LedgerTransactionError)])
    expect(relayer.pending()).toBe(1)
    await relayer.flush()
    await settle()
    await relayer.confirm()
    expect(report.posted).toEqual([{ records: 1, hash: expect.any(String) }])

    // A Ledger that keeps refusing: after maxAttempts the batch is dropped with a BatchDroppedError, never posted.
    const dropped = recorder()
    const second = await aRelayer({ ...dropped, maxAttempts: 2 })
    expect(await second.accept(await seal(alice, { op: 'transfer', to: bob.address, amount: 5n }))).toBe(true)
    await testClient().setCode({ address: ledger(), bytecode: '0x60006000fd' })
    await second.flush()
    await second.flush()
    await testClient().setCode({ address: ledger(), bytecode: code })
    expect(dropped.errors.at(-1)).toBeInstanceOf(BatchDroppedError)
    expect(dropped.posted).toEqual([])
    expect(second.pending()).toBe(0)
  })

  it('the wallet shows a command pending until the block holding it is final', async () => {
    const relayer = await aRelayer()
    const confidential = createConfidentialWallet({
      chainId: BigInt(deployment.chainId),
      ledger: ledger(),
      account: alice.address,
      signTypedData: (typedData) => alice.signTypedData(typedData),
      publicClient: poster.publicClient,
      fromBlock: BigInt(deployment.deployBlock),
      finality: deployment.finality,
      readers: [{ name: 'the member', reader: replicas[0]!.enclave }],
      poster: { postCommand: (record) => relayer.accept(record) },
      sessions: blobSessionStore(fileStore(join(dataRoot, 'alice-session.json')), 'a test file'),
    })
    const posted = await confidential.send({ op: 'transfer', to: bob.address, amount: 6n })
    await relayer.flush()
    await stepAll()
    expect(await confidential.commandStatus(posted)).toEqual({ state: 'pending' })
    await settle()
    expect(await confidential.commandStatus(posted)).toMatchObject({ state: 'applied', receipt: { code: 0 } })
  })
})

/** Polls an observable state of the chain (no sleeps of a guessed length). */
async function until(condition: () => Promise<boolean>, attempts = 200): Promise<void> {
  for (let i = 0; i < attempts; i++) {
    if (await condition()) return
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
  throw new Error('the chain never reached the awaited state')
}
