/**
 * "Reloading a page mid-sync loses nothing and does not replay from the start", at the member-node level: a member
 * that was away while ~250 inputs landed is restarted, killed in the middle of its catch-up (a tab closed, a crash),
 * and started a third time from what it sealed on the way. It resumes past where it stopped, reports its progress,
 * and ends with the root and balances of the member that never stopped.
 */
import { createWalletClient, http, keccak256, toHex, type Hash } from 'viem'
import { privateKeyToAccount, type PrivateKeyAccount } from 'viem/accounts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CoreCommand } from '../../enclave-wasm/envelopes/coreCommands'
import { ENCLAVE_BUILD_DIR } from '../../enclave-wasm/platform/launchNodeEnclave'
import { readEnclaveManifest } from '../../enclave-wasm/platform/manifest'
import { createSimMachine, type SimMachine } from '../../enclave-wasm/platform/sim/createSimPlatform'
import { createLedgerClients } from '../chain/createLedgerClients'
import { startAnvil, type Anvil } from '../chain/startAnvil'
import { deployStack } from '../deployment/deployStack'
import type { Deployment } from '../deployment/parseDeployment'
import type { EnclaveClient } from '../enclave/createEnclaveClient'
import { startNodeEnclave } from '../enclave/startNodeEnclave'
import { createWalletSession } from '../envelopes/createWalletSession'
import { readAccount } from '../envelopes/readAccount'
import { sealCommand } from '../envelopes/sealCommand'
import { EnclaveCrashedError } from '../errors/enclave'
import type { LedgerClients } from '../ledger/confirmTransaction'
import { readGroup } from '../ledger/readGroup'
import { submitBatch } from '../ledger/submitBatch'
import { submitSessionBatch } from '../ledger/submitSessionBatch'
import { memoryStore, type SealedStateStore } from '../storage/sealedStateStore'
import {
  createMemberNode,
  type CreateMemberNodeParameters,
  type MemberNode,
  type MemberNodeEvent,
} from './createMemberNode'
import { stepUntil } from './stepUntil'

const wallet = (name: string) => privateKeyToAccount(keccak256(toHex(name)))
const issuer = wallet('issuer')
const alice = wallet('alice')
const bob = wallet('bob')

/** Inputs posted while B is away: more than two ingest chunks of 100, so a catch-up has a middle. */
const AWAY_INPUTS = 250
const MINTED = 1_000n

/** A sealed-state store that keeps every blob it is given, in order (the last one is what a restart loads). */
function recordingStore(): SealedStateStore & { saves: Uint8Array[] } {
  const inner = memoryStore()
  const saves: Uint8Array[] = []
  return {
    saves,
    load: inner.load,
    save: async (blob) => {
      saves.push(blob)
      await inner.save(blob)
    },
  }
}

type Member = { node: MemberNode; enclave: EnclaveClient; events: MemberNodeEvent[] }

let anvil: Anvil
let deployment: Deployment
let poster: LedgerClients
const machines = new Map<string, SimMachine>()
const stores = new Map<string, ReturnType<typeof recordingStore>>()
const enclaves: EnclaveClient[] = []

async function operator(index: number): Promise<LedgerClients> {
  const accounts = await createWalletClient({ transport: http(anvil.rpcUrl) }).getAddresses()
  return createLedgerClients({
    rpcUrl: anvil.rpcUrl,
    chainId: deployment.chainId,
    account: accounts[index]!,
    pollingIntervalMs: 50,
  })
}

/** Starts `name`'s enclave on its own machine (the same one on every restart, so it can open what it sealed). */
async function startMember(
  name: string,
  accountIndex: number,
  options: Pick<CreateMemberNodeParameters, 'saveIntervalMs'> & {
    onEvent?: (event: MemberNodeEvent, member: Member) => void
  } = {},
): Promise<Member> {
  if (!machines.has(name)) machines.set(name, await createSimMachine())
  if (!stores.has(name)) stores.set(name, recordingStore())
  const { client: enclave } = await startNodeEnclave({ machine: machines.get(name)! })
  enclaves.push(enclave)
  const events: MemberNodeEvent[] = []
  const member: Member = { enclave, events, node: undefined as unknown as MemberNode }
  member.node = createMemberNode({
    enclave,
    clients: await operator(accountIndex),
    deployment,
    store: stores.get(name)!,
    saveIntervalMs: options.saveIntervalMs,
    onEvent: (event) => {
      events.push(event)
      options.onEvent?.(event, member)
    },
  })
  await member.node.bind()
  return member
}

const chainSeq = async () => (await readGroup(poster.publicClient, { ledger: deployment.contracts.ledger })).seq
const syncAll = async (members: Member[]) => {
  const seq = await chainSeq()
  await stepUntil(
    members.map((m) => m.node),
    (statuses) => statuses.every((s) => s.seq === seq),
  )
  return seq
}
const balanceOn = async (member: Member, who: PrivateKeyAccount) =>
  (
    await readAccount(member.enclave, {
      chainId: BigInt(deployment.chainId),
      ledger: deployment.contracts.ledger,
      account: who.address,
      signTypedData: (typedData) => who.signTypedData(typedData),
    })
  ).apps.token.balance

async function sealed(from: PrivateKeyAccount, nonce: bigint, command: CoreCommand): Promise<Uint8Array> {
  const group = await readGroup(poster.publicClient, { ledger: deployment.contracts.ledger })
  return sealCommand({
    chainId: BigInt(deployment.chainId),
    ledger: deployment.contracts.ledger,
    epoch: Number(group.epoch),
    cmdPubKey: group.cmdPubKey,
    account: from.address,
    nonce,
    deadlineBlock: (await poster.publicClient.getBlockNumber()) + 100n,
    command,
    signTypedData: (typedData) => from.signTypedData(typedData),
  })
}

let memberA: Member
let memberB: Member
/** B's seq when it was stopped, the chain's seq after the inputs posted while it was away. */
let stoppedSeq: bigint
let targetSeq: bigint
/** The seq of the blob the interrupted catch-up sealed on its way. */
let midwaySeq: bigint

beforeAll(async () => {
  anvil = await startAnvil()
  deployment = await deployStack({
    rpcUrl: anvil.rpcUrl,
    measurement: (await readEnclaveManifest(ENCLAVE_BUILD_DIR)).measurement,
  })
  poster = await operator(5)
  memberA = await startMember('a', 1)
  memberB = await startMember('b', 2)
  await stepUntil([memberA.node, memberB.node], (statuses) =>
    statuses.every((s) => s.members.length === 2 && s.holdsEpoch && !s.rekeyNeeded && !s.initKeyRotationDue),
  )

  // The issuer mints to Alice, and Alice grants a session (a fixed key, so a failure reproduces), in one input.
  const group = await readGroup(poster.publicClient, { ledger: deployment.contracts.ledger })
  const session = createWalletSession({
    chainId: BigInt(deployment.chainId),
    ledger: deployment.contracts.ledger,
    epoch: Number(group.epoch),
    account: alice.address,
    resume: { sessionKey: keccak256(toHex('alice session')), next: 0n },
  })
  const head = await poster.publicClient.getBlockNumber()
  const setup = [
    await sealed(issuer, 0n, { op: 'init' }),
    await sealed(issuer, 1n, { op: 'mint', to: alice.address, amount: MINTED }),
    await sealed(alice, 0n, session.grant(head + 10_000n)),
  ]
  await poster.publicClient.waitForTransactionReceipt({
    hash: await submitBatch(poster.walletClient, { ledger: deployment.contracts.ledger, records: setup }),
  })
  await syncAll([memberA, memberB])
  expect([await balanceOn(memberA, alice), await balanceOn(memberB, alice)]).toEqual([MINTED, MINTED])

  // B goes away, keeping its store: stop seals its state one last time, then the Worker is gone.
  stoppedSeq = (await memberB.enclave.getStatus()).seq
  await memberB.node.stop()
  await memberB.enclave.close()

  // While it is away, Alice pays Bob 1 a time, each record its own session batch: one input each.
  const deadlineBlock = head + 5_000n
  let last: Hash | undefined
  for (let i = 0; i < AWAY_INPUTS; i++) {
    const record = session.seal({
      nonce: 1n + BigInt(i),
      deadlineBlock,
      command: { op: 'transfer', to: bob.address, amount: 1n },
    })
    last = await submitSessionBatch(poster.walletClient, { ledger: deployment.contracts.ledger, records: [record] })
  }
  expect((await poster.publicClient.waitForTransactionReceipt({ hash: last! })).status).toBe('success')
  targetSeq = await syncAll([memberA])
  expect(targetSeq).toBe(stoppedSeq + BigInt(AWAY_INPUTS))
}, 120_000)

afterAll(async () => {
  await Promise.all(enclaves.map((enclave) => enclave.close().catch(() => {})))
  await anvil?.stop()
})

describe('createMemberNode', { timeout: 60_000 }, () => {
  it('behavior: seals a long catch-up on its way, so one killed mid-way leaves a blob past where it stopped', async () => {
    const store = stores.get('b')!
    const savesBefore = store.saves.length
    const restarted = await startMember('b', 2, {
      saveIntervalMs: 0,
      // The tab is closed as soon as the first part of the catch-up is reported.
      onEvent: (event, member) => {
        if (event.type === 'syncing' && event.seq < event.target) void member.enclave.close()
      },
    })
    expect((await restarted.enclave.getStatus()).seq).toBe(stoppedSeq)
    await expect(restarted.node.step()).rejects.toBeInstanceOf(EnclaveCrashedError)

    expect(restarted.events).toEqual([{ type: 'syncing', seq: stoppedSeq + 100n, target: targetSeq }])
    // One blob was sealed mid-way, before the progress it reports, and nothing after the Worker died.
    expect(store.saves.length).toBe(savesBefore + 1)
    midwaySeq = stoppedSeq + 100n
  })

  it('behavior: a restart from that blob resumes between where it stopped and the chain, not from the start', async () => {
    const restarted = await startMember('b', 2, { saveIntervalMs: 0 })
    const boundSeq = (await restarted.enclave.getStatus()).seq
    expect(boundSeq).toBeGreaterThan(stoppedSeq)
    expect(boundSeq).toBeLessThan(targetSeq)
    expect(boundSeq).toBe(midwaySeq)

    await stepUntil([restarted.node], ([status]) => status!.seq === targetSeq)
    const syncing = restarted.events.filter((e) => e.type === 'syncing')
    // Progress in chunks of 100 towards the last input read, and only over what was left.
    expect(syncing).toEqual([
      { type: 'syncing', seq: midwaySeq + 100n, target: targetSeq },
      { type: 'syncing', seq: targetSeq, target: targetSeq },
    ])
    for (let i = 1; i < syncing.length; i++) expect(syncing[i]!.seq).toBeGreaterThan(syncing[i - 1]!.seq)
    expect(restarted.events.find((e) => e.type === 'synced')).toEqual({
      type: 'synced',
      seq: targetSeq,
      applied: Number(targetSeq - midwaySeq),
    })
    memberB = restarted
  })

  it('behavior: the resumed member lost nothing: same root and balances as the member that never stopped', async () => {
    const [rootA, rootB] = await Promise.all([memberA, memberB].map(async (m) => (await m.enclave.getStatus()).root))
    expect(rootB).toBe(rootA)
    const spent = BigInt(AWAY_INPUTS)
    expect(await balanceOn(memberB, alice)).toBe(await balanceOn(memberA, alice))
    expect(await balanceOn(memberA, alice)).toBe(MINTED - spent)
    expect(await balanceOn(memberB, bob)).toBe(spent)
  })
})
