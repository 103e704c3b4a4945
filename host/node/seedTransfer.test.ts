/**
 * The seed's transfer, headless: two member nodes, an issuer, Alice and Bob with wallets that hold no ETH, and a
 * relayer. Alice holds 100 and pays Bob 60; both replicas show 40 / 60; the chain holds only ciphertext; every bad
 * command is refused identically by both enclaves; a node stopped mid-run catches up to the same root.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createTestClient, createWalletClient, hexToBytes, http, keccak256, toHex, type Address, type Hex } from 'viem'
import { privateKeyToAccount, type PrivateKeyAccount } from 'viem/accounts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ENCLAVE_BUILD_DIR } from '../../enclave-wasm/platform/launchNodeEnclave'
import { readEnclaveManifest } from '../../enclave-wasm/platform/manifest'
import { createSimMachine, type SimMachine } from '../../enclave-wasm/platform/sim/createSimPlatform'
import { encodeCoreCommand, type CoreCommand } from '../../enclave-wasm/envelopes/coreCommands'
import { deriveSessionKeys, sealSessionRecord, SESSION_WINDOW } from '../../enclave-wasm/envelopes/sessionEnvelope'
import * as coreCodes from '../../enclave-wasm/shared/constants'
import * as tokenCodes from '../../enclave-wasm/shared/apps/token'
import { createLedgerClients } from '../chain/createLedgerClients'
import { startAnvil, type Anvil } from '../chain/startAnvil'
import { deployStack } from '../deployment/deployStack'
import type { Deployment } from '../deployment/parseDeployment'
import type { EnclaveClient } from '../enclave/createEnclaveClient'
import { startNodeEnclave } from '../enclave/startNodeEnclave'
import { createWalletSession, type WalletSession } from '../envelopes/createWalletSession'
import { readAccount } from '../envelopes/readAccount'
import { sealCommand } from '../envelopes/sealCommand'
import type { LedgerClients } from '../ledger/confirmTransaction'
import { requestRekey } from '../ledger/governance'
import { readGroup } from '../ledger/readGroup'
import { submitBatch } from '../ledger/submitBatch'
import { submitSessionBatch } from '../ledger/submitSessionBatch'
import { createRelayer, type Relayer } from '../relayer/createRelayer'
import { fileStore } from '../storage/fileStore'
import { createMemberNode, type MemberNode } from './createMemberNode'
import { stepUntil } from './stepUntil'

const codes = { ...coreCodes, ...tokenCodes }

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
  return createLedgerClients({
    rpcUrl: anvil.rpcUrl,
    chainId: deployment.chainId,
    account: accounts[index]!,
    pollingIntervalMs: 50,
  })
}

async function startReplica(name: string, accountIndex: number, machine?: SimMachine): Promise<Replica> {
  const dir = join(dataRoot, name)
  const ownMachine = machine ?? (await createSimMachine())
  const { client } = await startNodeEnclave({ machine: ownMachine })
  const node = createMemberNode({
    enclave: client,
    clients: await operator(accountIndex),
    deployment,
    store: fileStore(join(dir, 'enclave.sealed')),
  })
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
async function seal(from: PrivateKeyAccount, command: CoreCommand, options: SealOptions = {}): Promise<Uint8Array> {
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
const balanceOn = async (replica: Replica, who: PrivateKeyAccount) => (await accountOn(replica, who)).apps.token.balance
/** The outcome code each replica reports to Alice's wallet for her latest signed command. */
const aliceReceipts = async () => Promise.all(replicas.map(async (r) => (await accountOn(r, alice)).receipt?.code))
const balances = async () =>
  Promise.all(replicas.map(async (r) => [await balanceOn(r, alice), await balanceOn(r, bob)]))
const roots = async () => Promise.all(replicas.map(async (r) => (await r.enclave.getStatus()).root))

beforeAll(async () => {
  dataRoot = await mkdtemp(join(tmpdir(), 'anonify-seed-'))
  anvil = await startAnvil()
  deployment = await deployStack({
    rpcUrl: anvil.rpcUrl,
    measurement: (await readEnclaveManifest(ENCLAVE_BUILD_DIR)).measurement,
  })
  relayer = await operator(5)
  replicas.push(await startReplica('alice-node', 1), await startReplica('bob-node', 2))
  await stepUntil(
    replicas.map((r) => r.node),
    (statuses) =>
      statuses.every((s) => s.members.length === 2 && s.holdsEpoch && !s.rekeyNeeded && !s.initKeyRotationDue),
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
    await post([
      await seal(issuer, { op: 'init' }),
      await seal(issuer, { op: 'mint', to: alice.address, amount: 100n }),
    ])
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
      expect((await accountOn(replica, bob)).history).toMatchObject([
        { direction: 'received', op: 'transfer', amount: 60n, counterparty: alice.address },
      ])
    }
  })

  it('leaves on chain neither party nor amount: the transaction input and logs hold only ciphertext', async () => {
    const transaction = await relayer.publicClient.getTransaction({ hash: transferHash })
    const receipt = await relayer.publicClient.getTransactionReceipt({ hash: transferHash })
    const visible = [
      transaction.input,
      ...receipt.logs.map((log) => log.data),
      ...receipt.logs.flatMap((log) => log.topics),
    ]
      .join('')
      .toLowerCase()
    expect(transaction.from.toLowerCase()).not.toBe(alice.address.toLowerCase())
    for (const secret of [alice.address, bob.address].map((a) => a.slice(2).toLowerCase()))
      expect(visible).not.toContain(secret)
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
      expired: await seal(
        alice,
        { op: 'transfer', to: bob.address, amount: 1n },
        { nonce: 2n, deadlineBlock: head - 1n },
      ),
      wrongEpoch: await seal(
        alice,
        { op: 'transfer', to: bob.address, amount: 1n },
        { nonce: 2n, epoch: Number(epoch) + 7 },
      ),
      tampered,
      malformed: Uint8Array.from({ length: 312 }, (_, i) => (i * 37) % 256),
    }
    // What Alice's wallet is told: signed commands get a receipt; records nobody can open get none (a relayer's
    // precheck refuses those before posting, which is how their sender hears of it); a copy of her applied transfer
    // leaves its receipt (applied) as it was.
    const told: Record<string, number | undefined> = {
      replay: codes.OK,
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

describe('the seed transfer on the session fast path', { timeout: 120_000 }, () => {
  const group = async () => readGroup(relayer.publicClient, { ledger: deployment.contracts.ledger })
  const head = () => relayer.publicClient.getBlockNumber()
  let session: WalletSession
  let relay: Relayer

  /** Starts a session for Alice with one signed, sealed grant. */
  async function grant(expiresIn = 1_000n): Promise<WalletSession> {
    const created = createWalletSession({
      chainId: BigInt(deployment.chainId),
      ledger: deployment.contracts.ledger,
      epoch: Number((await group()).epoch),
      account: alice.address,
    })
    await post([await seal(alice, created.grant((await head()) + expiresIn))])
    return created
  }
  const sessionTransfer = async (amount: bigint, options: { deadlineBlock?: bigint } = {}) => {
    const nonce = nonces.get(alice.address)!
    nonces.set(alice.address, nonce + 1n)
    return session.seal({
      nonce,
      deadlineBlock: options.deadlineBlock ?? (await head()) + 100n,
      command: { op: 'transfer', to: bob.address, amount },
    })
  }
  async function postSessions(records: Uint8Array[]) {
    const hash = await submitSessionBatch(relayer.walletClient, { ledger: deployment.contracts.ledger, records })
    const receipt = await relayer.publicClient.waitForTransactionReceipt({ hash })
    await sync()
    return { hash, receipt }
  }
  /** Both replicas agree on the root, and on Alice's and Bob's balances, which are returned. */
  async function agreed() {
    const [first, second] = await roots()
    expect(second).toBe(first)
    const [onAlice, onBob] = await balances()
    expect(onBob).toEqual(onAlice)
    return onAlice!
  }

  beforeAll(async () => {
    nonces.set(alice.address, (await accountOn(replicas[0]!, alice)).nonce)
    session = await grant()
    relay = await createRelayer({
      enclave: replicas[0]!.enclave,
      clients: relayer,
      ledger: deployment.contracts.ledger,
      finality: deployment.finality,
      flushAfterMs: 60_000,
    })
  })
  afterAll(() => relay?.stop())

  it('after one signed grant, 96-byte records relayed without signatures move funds on both replicas', async () => {
    for (const replica of replicas)
      expect((await accountOn(replica, alice)).apps.session).toEqual({
        epoch: (await group()).epoch,
        expiresBlock: expect.any(BigInt),
        next: 0n,
      })
    const [aliceBefore, bobBefore] = await agreed()
    const records = [await sessionTransfer(5n), await sessionTransfer(7n)]
    expect(await relay.accept(records[0]!)).toBe(true)
    expect(await relay.accept(records[1]!)).toBe(true)
    // The relayer's precheck refuses a session record nobody can open, as it does a sealed one.
    expect(await relay.accept(Uint8Array.from({ length: 96 }, (_, i) => i + 1))).toBe(false)
    await relay.flush()
    await sync()
    expect(await agreed()).toEqual([aliceBefore! - 12n, bobBefore! + 12n])
    for (const replica of replicas) {
      const view = await accountOn(replica, alice)
      expect(view.apps.session?.next).toBe(2n)
      expect(view.history.slice(-2)).toMatchObject([
        { direction: 'sent', op: 'transfer', amount: 5n, counterparty: bob.address, code: 0 },
        { direction: 'sent', op: 'transfer', amount: 7n, counterparty: bob.address, code: 0 },
      ])
    }
  })

  it('puts only unlinkable ciphertext in calldata and nothing of the records in logs', async () => {
    const records = [await sessionTransfer(3n), await sessionTransfer(3n)]
    const { hash, receipt } = await postSessions(records)
    const transaction = await relayer.publicClient.getTransaction({ hash })
    const visible = [
      transaction.input,
      ...receipt.logs.map((log) => log.data),
      ...receipt.logs.flatMap((log) => log.topics),
    ]
      .join('')
      .toLowerCase()
    for (const secret of [alice.address, bob.address].map((a) => a.slice(2).toLowerCase()))
      expect(visible).not.toContain(secret)
    expect(visible).not.toContain('00000000000000000000000000000003')
    const logData = receipt.logs.map((log) => log.data).join('')
    for (const record of records) expect(logData).not.toContain(toHex(record).slice(2, 34))
    // Same sender, same recipient, same amount: the two records still share no tag and no ciphertext block.
    expect(toHex(records[0]!.subarray(0, 16))).not.toBe(toHex(records[1]!.subarray(0, 16)))
    expect(toHex(records[0]!.subarray(16))).not.toBe(toHex(records[1]!.subarray(16)))
  })

  it('refuses replay, tampering, stale deadlines and session-carried grants identically; a tampered copy burns no counter', async () => {
    const replayed = await sessionTransfer(1n)
    await postSessions([replayed])
    const before = await agreed()
    await postSessions([replayed])
    expect(await agreed()).toEqual(before)

    const genuine = await sessionTransfer(1n)
    const tampered = genuine.slice()
    tampered[60]! ^= 1
    await postSessions([tampered])
    expect(await agreed()).toEqual(before)
    await postSessions([genuine])
    expect(await agreed()).toEqual([before[0]! - 1n, before[1]! + 1n])

    const stale = await sessionTransfer(1n, { deadlineBlock: (await head()) - 1n })
    await postSessions([stale])
    expect(await aliceReceipts()).toEqual([codes.FAIL_EXPIRED, codes.FAIL_EXPIRED])
    nonces.set(alice.address, nonces.get(alice.address)! - 1n)

    // A session cannot grant or end sessions: that needs the wallet's own signature.
    const nonce = nonces.get(alice.address)!
    const keys = deriveSessionKeys(
      hexToBytes(session.sessionKey),
      BigInt(deployment.chainId),
      deployment.contracts.ledger,
      Number((await group()).epoch),
    )
    const carried = sealSessionRecord({
      keys,
      counter: session.next,
      deadlineBlock: (await head()) + 100n,
      command: encodeCoreCommand(alice.address, nonce, { op: 'endSession' }),
    })
    await postSessions([carried])
    expect((await accountOn(replicas[0]!, alice)).apps.session).toBeDefined()
    expect((await accountOn(replicas[0]!, alice)).nonce).toBe(nonce)
  })

  it('accepts a gap within the window, refuses a counter beyond it', async () => {
    const { next } = (await accountOn(replicas[0]!, alice)).apps.session!
    const ahead = createWalletSession({
      chainId: BigInt(deployment.chainId),
      ledger: deployment.contracts.ledger,
      epoch: Number((await group()).epoch),
      account: alice.address,
      resume: { sessionKey: session.sessionKey, next: next + BigInt(SESSION_WINDOW) },
    })
    const before = await agreed()
    const nonce = nonces.get(alice.address)!
    await postSessions([
      ahead.seal({
        nonce,
        deadlineBlock: (await head()) + 100n,
        command: { op: 'transfer', to: bob.address, amount: 1n },
      }),
    ])
    expect(await agreed()).toEqual(before)
    session = createWalletSession({
      chainId: BigInt(deployment.chainId),
      ledger: deployment.contracts.ledger,
      epoch: Number((await group()).epoch),
      account: alice.address,
      resume: { sessionKey: session.sessionKey, next: next + BigInt(SESSION_WINDOW) - 1n },
    })
    await postSessions([await sessionTransfer(1n)])
    expect(await agreed()).toEqual([before[0]! - 1n, before[1]! + 1n])
    expect((await accountOn(replicas[1]!, alice)).apps.session?.next).toBe(next + BigInt(SESSION_WINDOW))
  })

  it('ends a session at its expiry block', async () => {
    session = await grant(3n)
    await createTestClient({ mode: 'anvil', transport: http(anvil.rpcUrl) }).mine({ blocks: 3 })
    const before = await agreed()
    await postSessions([await sessionTransfer(1n)])
    nonces.set(alice.address, nonces.get(alice.address)! - 1n)
    expect(await agreed()).toEqual(before)
    for (const replica of replicas) expect((await accountOn(replica, alice)).apps.session).toBeUndefined()
  })

  it('ends every session at the next rekey, so a member removed by it can open none of the later records', async () => {
    session = await grant()
    const { epoch } = await group()
    await requestRekey(await operator(0), { ledger: deployment.contracts.ledger })
    await stepUntil(
      replicas.map((r) => r.node),
      (statuses) => statuses.every((s) => s.epoch > epoch && s.holdsEpoch && !s.rekeyNeeded && !s.initKeyRotationDue),
    )
    await sync()
    for (const replica of replicas) expect((await accountOn(replica, alice)).apps.session).toBeUndefined()
    const before = await agreed()
    await postSessions([await sessionTransfer(1n)])
    expect(await agreed()).toEqual(before)
  })
})
