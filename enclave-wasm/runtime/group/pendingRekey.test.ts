/**
 * Pending rekeys with real enclaves on a test-owned anvil: three members, an issuer, Alice and Bob. A normal rekey is
 * pending until acks settle it, commands keep applying under the settled epoch meanwhile, commands sealed to the
 * pending epoch are refused alike by every replica, and a member restarted mid-pending resumes. Then a malicious
 * member posts a rekey whose shares nobody can open: the others keep their epoch, complain, the rekey is voided, its
 * proposer removed, a replacement settles and the group applies a transfer.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomBytes } from '@noble/hashes/utils.js'
import { createWalletClient, http, keccak256, parseEventLogs, toHex, type Address, type Hex } from 'viem'
import { privateKeyToAccount, serializeSignature, sign, type PrivateKeyAccount } from 'viem/accounts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ledgerAbi } from '../../../contracts/generated/ledger'
import { createLedgerClients } from '../../../host/chain/createLedgerClients'
import { startAnvil, type Anvil } from '../../../host/chain/startAnvil'
import { deployStack } from '../../../host/deployment/deployStack'
import type { Deployment } from '../../../host/deployment/parseDeployment'
import type { EnclaveClient } from '../../../host/enclave/createEnclaveClient'
import { startNodeEnclave } from '../../../host/enclave/startNodeEnclave'
import { readAccount } from '../../../host/envelopes/readAccount'
import { sealCommand } from '../../../host/envelopes/sealCommand'
import type { LedgerClients } from '../../../host/ledger/confirmTransaction'
import { requestRekey } from '../../../host/ledger/governance'
import { readEpochKey } from '../../../host/ledger/readEpochKey'
import { readGroup } from '../../../host/ledger/readGroup'
import { readInputs } from '../../../host/ledger/readInputs'
import { submitBatch } from '../../../host/ledger/submitBatch'
import { submitRekey } from '../../../host/ledger/submitRekey'
import { createMemberNode, type MemberNode } from '../../../host/node/createMemberNode'
import { stepUntil } from '../../../host/node/stepUntil'
import { fileStore } from '../../../host/storage/fileStore'
import type { CoreCommand } from '../../envelopes/coreCommands'
import { decodeRekeyInput } from '../../envelopes/rekeyInput'
import { rekeyDigest } from '../../envelopes/rekeyDigest'
import { ENCLAVE_BUILD_DIR } from '../../platform/launchNodeEnclave'
import { readEnclaveManifest } from '../../platform/manifest'
import { createSimMachine, type SimMachine } from '../../platform/sim/createSimPlatform'
import { INPUT_KIND, type EnclaveStatus } from '../../protocol'
import { SHARE_BYTES } from './constants'
import { deriveEpochKeys } from './keySchedule'
import { stolenMachineClient } from '../../platform/sim/stolenMachineClient'
import { unsealState } from '../sealState'
import { createMemoryExchange } from '../../../host/checkpoint/checkpointExchange'

/** The members' shared checkpoint exchange, as their node APIs would be. */
const checkpoints = createMemoryExchange()

const wallet = (name: string) => privateKeyToAccount(keccak256(toHex(name)))
const issuer = wallet('issuer')
const alice = wallet('alice')
const bob = wallet('bob')

let anvil: Anvil
let deployment: Deployment
let relayer: LedgerClients
let dataRoot: string
type Replica = { name: string; node: MemberNode; enclave: EnclaveClient; machine: SimMachine; accountIndex: number }
let replicas: Replica[] = []
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

const storeOf = (name: string) => fileStore(join(dataRoot, name, 'enclave.sealed'))

/** A member node on `machine` (a new one unless given), its sealed state in the data dir `name`. */
async function startReplica(name: string, accountIndex: number, machine?: SimMachine): Promise<Replica> {
  const ownMachine = machine ?? (await createSimMachine())
  const { client } = await startNodeEnclave({ machine: ownMachine })
  const node = createMemberNode({
    enclave: client,
    checkpoints,
    clients: await operator(accountIndex),
    deployment,
    store: storeOf(name),
  })
  await node.bind()
  return { name, node, enclave: client, machine: ownMachine, accountIndex }
}

const chain = () => readGroup(relayer.publicClient, { ledger: deployment.contracts.ledger })
const statusesOf = (members: Replica[] = replicas) => Promise.all(members.map((r) => r.enclave.getStatus()))
const settledOn = (statuses: EnclaveStatus[], group: Awaited<ReturnType<typeof chain>>) =>
  statuses.every(
    (s) =>
      s.member &&
      s.holdsEpoch &&
      s.epoch === group.epoch &&
      s.seq === group.seq &&
      s.pendingEpoch === undefined &&
      !s.rekeyNeeded &&
      !s.initKeyRotationDue,
  )

/** Steps the replicas until every one holds the chain's settled epoch with nothing pending. */
async function converge(members: Replica[] = replicas) {
  await stepUntil(
    members.map((r) => r.node),
    async () => settledOn(await statusesOf(members), await chain()),
  )
}

/** Brings `replica`'s enclave to the chain's head without a node step: it applies inputs but answers nothing. */
async function ingestOnly(replica: Replica) {
  const { seq } = await replica.enclave.getStatus()
  const { inputs } = await readInputs(relayer.publicClient, {
    ledger: deployment.contracts.ledger,
    afterSeq: seq,
    fromBlock: BigInt(deployment.deployBlock),
  })
  await replica.enclave.ingest({ inputs })
  await storeOf(replica.name).save((await replica.enclave.seal()).blob)
}

/** A wallet-sealed record to `epoch` (the chain's settled one unless given). */
async function seal(from: PrivateKeyAccount, command: CoreCommand, epoch?: { epoch: bigint; cmdPubKey: Hex }) {
  const group = epoch ?? (await chain())
  const nonce = nonces.get(from.address) ?? 0n
  nonces.set(from.address, nonce + 1n)
  return sealCommand({
    chainId: BigInt(deployment.chainId),
    ledger: deployment.contracts.ledger,
    epoch: Number(group.epoch),
    cmdPubKey: group.cmdPubKey,
    account: from.address,
    nonce,
    deadlineBlock: (await relayer.publicClient.getBlockNumber()) + 100n,
    command,
    signTypedData: (typedData) => from.signTypedData(typedData),
  })
}

async function post(records: Uint8Array[]) {
  const hash = await submitBatch(relayer.walletClient, { ledger: deployment.contracts.ledger, records })
  await relayer.publicClient.waitForTransactionReceipt({ hash })
}

/** [Alice, Bob] balances on each replica, through each wallet's authenticated read. */
const balances = (members: Replica[] = replicas) =>
  Promise.all(
    members.map(async (r) =>
      Promise.all(
        [alice, bob].map(
          async (who) =>
            (
              await readAccount(r.enclave, {
                chainId: BigInt(deployment.chainId),
                ledger: deployment.contracts.ledger,
                account: who.address,
                signTypedData: (typedData) => who.signTypedData(typedData),
              })
            ).apps.token.balance,
        ),
      ),
    ),
  )

/** The latest rekey input on chain, decoded. */
async function latestRekey() {
  const { inputs } = await readInputs(relayer.publicClient, {
    ledger: deployment.contracts.ledger,
    afterSeq: 0n,
    fromBlock: BigInt(deployment.deployBlock),
  })
  const input = inputs.filter((i) => i.kind === INPUT_KIND.rekey).at(-1)!
  return { seq: input.seq, ...decodeRekeyInput(input.payload) }
}

beforeAll(async () => {
  dataRoot = await mkdtemp(join(tmpdir(), 'anonify-pending-'))
  anvil = await startAnvil()
  deployment = await deployStack({
    rpcUrl: anvil.rpcUrl,
    measurement: (await readEnclaveManifest(ENCLAVE_BUILD_DIR)).measurement,
  })
  relayer = await operator(5)
  replicas = [await startReplica('a', 1), await startReplica('b', 2), await startReplica('m', 3)]
  await stepUntil(
    replicas.map((r) => r.node),
    async (statuses) => statuses.every((s) => s.members.length === 3) && settledOn(statuses, await chain()),
    20,
  )
  await post([await seal(issuer, { op: 'init' }), await seal(issuer, { op: 'mint', to: alice.address, amount: 100n })])
  await converge()
}, 120_000)

afterAll(async () => {
  await Promise.all(replicas.map((r) => r.enclave.close().catch(() => {})))
  await anvil?.stop()
  await rm(dataRoot, { recursive: true, force: true })
})

describe('pending rekeys', { timeout: 120_000 }, () => {
  it('a rekey is pending until acks settle it: transfers apply under the settled epoch meanwhile, commands sealed to the pending one are refused alike, a member restarted mid-pending resumes', async () => {
    expect(await balances()).toEqual(replicas.map(() => [100n, 0n]))
    const before = await chain()
    await requestRekey(await operator(0), { ledger: deployment.contracts.ledger })
    // Only the designated proposer steps: it posts the rekey, and nobody has answered yet.
    for (const r of replicas) await ingestOnly(r)
    const proposer = replicas[0]!
    expect((await proposer.enclave.getStatus()).designatedProposer).toBe(true)
    await proposer.node.step()
    const rekey = await latestRekey()
    expect(rekey.epoch).toBe(before.epoch + 1n)
    expect((await chain()).epoch).toBe(before.epoch)

    // While it is pending: one transfer sealed to the settled epoch, one to the pending epoch's key.
    await post([
      await seal(alice, { op: 'transfer', to: bob.address, amount: 10n }),
      await seal(alice, { op: 'transfer', to: bob.address, amount: 5n }, rekey),
    ])
    // No replica could open the second record, so its nonce is still Alice's next.
    nonces.set(alice.address, nonces.get(alice.address)! - 1n)
    for (const r of replicas) await ingestOnly(r)
    const pending = await statusesOf()
    for (const s of pending) {
      expect([s.epoch, s.pendingEpoch, s.holdsEpoch]).toEqual([before.epoch, rekey.epoch, true])
      expect(s.root).toBe(pending[0]!.root)
    }
    expect(pending.map((s) => s.rekeyAnswerDue)).toEqual([false, true, true])
    expect(await balances()).toEqual(replicas.map(() => [90n, 10n]))

    // Bob's node restarts from its sealed state mid-pending, and resumes: the pending rekey and its answer due.
    const b = replicas[1]!
    await b.enclave.close()
    replicas[1] = await startReplica('b', b.accountIndex, b.machine)
    const resumed = await replicas[1]!.enclave.getStatus()
    expect([resumed.pendingEpoch, resumed.rekeyAnswerDue, resumed.holdsEpoch]).toEqual([rekey.epoch, true, true])
    expect(resumed.root).toBe(pending[1]!.root)

    await converge()
    const settled = await chain()
    expect([settled.epoch, settled.cmdPubKey]).toEqual([rekey.epoch, rekey.cmdPubKey])
    // Wallets accept the settled epoch: its rekey input, signature and EpochRotated log check out.
    const verified = await readEpochKey(relayer.publicClient, {
      chainId: BigInt(deployment.chainId),
      ledger: deployment.contracts.ledger,
      fromBlock: BigInt(deployment.deployBlock),
    })
    expect(verified).toMatchObject({ epoch: rekey.epoch, cmdPubKey: rekey.cmdPubKey, proposer: rekey.proposer })
    // The record sealed to the then-pending epoch stays refused everywhere; new commands use the settled epoch.
    await post([await seal(alice, { op: 'transfer', to: bob.address, amount: 20n })])
    await converge()
    expect(await balances()).toEqual(replicas.map(() => [70n, 30n]))
    const roots = (await statusesOf()).map((s) => s.root)
    expect(new Set(roots).size).toBe(1)
  })

  it("attack: a member's rekey with shares nobody can open is complained about, voided, its proposer removed; a replacement settles and a transfer applies", async () => {
    const mallory = replicas[2]!
    const before = await chain()
    // What a malicious member can do with its own enclave's signer key (read here from its sealed state, as whoever
    // holds a simulated machine can): sign a well-formed rekey with garbage shares.
    const { group: stolen } = await unsealState(
      await stolenMachineClient(mallory.machine),
      (await storeOf('m').load())!,
      BigInt(deployment.chainId),
      deployment.contracts.ledger,
    )
    const read = { address: deployment.contracts.ledger, abi: ledgerAbi } as const
    const [setHash, atSeq] = await Promise.all([
      relayer.publicClient.readContract({ ...read, functionName: 'memberSetHash' }),
      relayer.publicClient.readContract({ ...read, functionName: 'seq' }),
    ])
    const epoch = before.epoch + 1n
    const { command, commit } = await deriveEpochKeys(randomBytes(32), epoch)
    const shares = before.members.map(() => toHex(randomBytes(SHARE_BYTES)))
    const { chainId, ledger } = { chainId: BigInt(deployment.chainId), ledger: deployment.contracts.ledger }
    const digest = rekeyDigest({ chainId, ledger, epoch, atSeq, setHash, cmdPubKey: command.publicKey, commit, shares })
    const signature = serializeSignature(await sign({ hash: digest, privateKey: stolen.identity!.signerKey }))
    const proposal = { epoch, atSeq, setHash, cmdPubKey: command.publicKey, commit, shares, signature }
    await submitRekey(await operator(3), { ledger, proposal: { ...proposal, proposer: stolen.identity!.signer } })
    // Mallory's node stops here: after its removal it would register again under a new identity.
    await mallory.enclave.close()
    const honest = replicas.slice(0, 2)

    // The brick, had members dropped epoch e on sight of the rekey: nobody could open e+1. They keep e instead.
    for (const r of honest) await ingestOnly(r)
    for (const s of await statusesOf(honest)) {
      expect([s.epoch, s.pendingEpoch, s.holdsEpoch, s.rekeyAnswerDue]).toEqual([before.epoch, epoch, true, true])
      expect(s.lastRekeyRefusal).toMatch(new RegExp(`^epoch ${epoch}: `))
    }

    // Each honest node complains on its own; the second complaint voids the rekey and removes its proposer.
    for (const r of honest) await r.node.step()
    const { inputs } = await readInputs(relayer.publicClient, { ledger, afterSeq: before.seq, fromBlock: 0n })
    const kinds = inputs.map((i) => i.kind)
    expect(kinds.slice(0, 4)).toEqual([
      INPUT_KIND.rekey,
      INPUT_KIND.rekeyComplaint,
      INPUT_KIND.rekeyComplaint,
      INPUT_KIND.memberRemoved,
    ])
    const removals = parseEventLogs({
      abi: ledgerAbi,
      logs: await relayer.publicClient.getContractEvents({ ...read, eventName: 'EnclaveRemoved', fromBlock: 0n }),
    })
    expect(removals.at(-1)!.args).toEqual({ signer: stolen.identity!.signer, reason: 4 })

    // The two left propose a replacement for the same epoch number, ack it, and it settles.
    await converge(honest)
    const after = await chain()
    expect(after.members).toEqual(before.members.slice(0, 2))
    expect(after.epoch).toBe(epoch)
    expect(after.cmdPubKey).not.toBe(command.publicKey)
    await post([await seal(alice, { op: 'transfer', to: bob.address, amount: 30n })])
    await converge(honest)
    expect(await balances(honest)).toEqual([
      [40n, 60n],
      [40n, 60n],
    ])
    const [first, second] = await statusesOf(honest)
    expect(first!.root).toBe(second!.root)
  })

  it('a registration voids the pending rekey in every enclave as on chain; the next rekey keys the newcomer in', async () => {
    const honest = replicas.slice(0, 2)
    await requestRekey(await operator(0), { ledger: deployment.contracts.ledger })
    for (const r of honest) await ingestOnly(r)
    await honest[0]!.node.step()
    const { epoch } = await latestRekey()
    const carol = await startReplica('c', 4)
    // Carol's first step registers her: a membership change, so the pending rekey is dropped.
    await carol.node.step()
    const [pendingOnChain] = await relayer.publicClient.readContract({
      address: deployment.contracts.ledger,
      abi: ledgerAbi,
      functionName: 'pendingRekey',
    })
    expect(pendingOnChain).toBe(0n)
    for (const r of honest) await ingestOnly(r)
    for (const s of await statusesOf(honest)) expect([s.pendingEpoch, s.rekeyAnswerDue]).toEqual([undefined, false])

    replicas = [...honest, carol]
    await converge()
    const after = await chain()
    expect([after.epoch, after.members.length]).toEqual([epoch, 3])
  })

  it('liveness: with two of three members offline, a join rekey settles on its block timeout and a wallet command applies', async () => {
    const [online, second, third] = replicas as [Replica, Replica, Replica]
    // A closed browser tab: its enclave is gone and nobody answers for it.
    await third.enclave.close()
    const before = await chain()
    const dave = await startReplica('d', 6)
    await dave.node.step()
    // Dave gets a share only once another operator's member signed the checkpoint at his registration: the second
    // member does, and goes away too before the rekey that follows reaches it (it steps first in each round).
    await stepUntil(
      [second.node, online.node],
      async () => (await online.enclave.getStatus()).awaitingCheckpoint === undefined,
    )
    await second.enclave.close()
    // The designated proposer keys Dave in; Dave acks. Two acks of four members are no majority.
    await stepUntil([online.node, dave.node], async (statuses) =>
      statuses.every((s) => s.pendingEpoch !== undefined && !s.rekeyAnswerDue),
    )
    const read = { address: deployment.contracts.ledger, abi: ledgerAbi } as const
    const [epoch, rekeySeq, , acks, , settleableAt] = await relayer.publicClient.readContract({
      ...read,
      functionName: 'pendingRekey',
    })
    expect([epoch, acks]).toEqual([before.epoch + 1n, 2])
    const walletView = () =>
      readEpochKey(relayer.publicClient, {
        chainId: BigInt(deployment.chainId),
        ledger: deployment.contracts.ledger,
        fromBlock: BigInt(deployment.deployBlock),
      })
    // Wallets keep sealing to the settled epoch meanwhile.
    expect((await walletView()).epoch).toBe(before.epoch)
    // The nodes do not settle early: the timeout is in blocks, and no block has passed it yet.
    for (const r of [online, dave]) await r.node.step()
    expect((await chain()).epoch).toBe(before.epoch)

    const request = (method: string, params: unknown[] = []) =>
      relayer.publicClient.request({ method: method as never, params: params as never })
    const head = await relayer.publicClient.getBlockNumber()
    await request('anvil_mine', [toHex(settleableAt - head)])
    // Both online members settle at once, on a chain that mines their transactions into one block: one lands, the
    // other reverts on chain (or in its gas estimate), and that is a lost race, not an error.
    await request('evm_setAutomine', [false])
    const steps = Promise.all([online.node.step(), dave.node.step()])
    await expect
      .poll(async () => Number(((await request('txpool_status')) as { pending: Hex }).pending), { timeout: 10_000 })
      .toBeGreaterThan(0)
    await new Promise((resolve) => setTimeout(resolve, 500))
    await request('evm_mine')
    await request('evm_setAutomine', [true])
    await steps
    await converge([online, dave])
    const { inputs } = await readInputs(relayer.publicClient, {
      ledger: deployment.contracts.ledger,
      afterSeq: rekeySeq,
      fromBlock: BigInt(deployment.deployBlock),
    })
    expect(inputs.map((i) => i.kind)).toContain(INPUT_KIND.rekeySettled)
    const settled = await walletView()
    expect(settled.epoch).toBe(epoch)

    await post([await seal(alice, { op: 'transfer', to: bob.address, amount: 5n }, settled)])
    await converge([online, dave])
    expect((await balances([online]))[0]).toEqual([35n, 65n])
    replicas = [online, dave]
  })
})
