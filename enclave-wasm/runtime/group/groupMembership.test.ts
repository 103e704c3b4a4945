/**
 * Headless members on a test-owned anvil, driven step by step (no sleeps): they form a group, rotate on every
 * membership change, survive a crash from their data dir, a removed member cannot derive the new epoch but rejoins
 * under a new identity, and the group outlives the attestation TTL because members re-attest on their own.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  BaseError,
  ContractFunctionRevertedError,
  createPublicClient,
  createWalletClient,
  decodeAbiParameters,
  hexToBytes,
  http,
  isAddressEqual,
  toHex,
  type Address,
} from 'viem'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ledgerAbi } from '../../../contracts/generated/ledger'
import { ENCLAVE_BUILD_DIR } from '../../platform/launchNodeEnclave'
import { readEnclaveManifest } from '../../platform/manifest'
import type { SimMachine } from '../../platform/sim/createSimPlatform'
import { loadOrCreateSimMachine } from '../../../host/storage/simMachineStore'
import { INPUT_KIND } from '../../protocol'
import { openWith } from './hpke'
import { deriveEpochKeys } from './keySchedule'
import { shareInfo } from './shareInfo'
import { stolenMachineClient } from '../../platform/sim/stolenMachineClient'
import { unsealState } from '../sealState'
import { createLedgerClients } from '../../../host/chain/createLedgerClients'
import { startAnvil, type Anvil } from '../../../host/chain/startAnvil'
import { deployStack } from '../../../host/deployment/deployStack'
import type { Deployment } from '../../../host/deployment/parseDeployment'
import type { EnclaveClient } from '../../../host/enclave/createEnclaveClient'
import { startNodeEnclave } from '../../../host/enclave/startNodeEnclave'
import { removeEnclave, requestRekey } from '../../../host/ledger/governance'
import { readGroup } from '../../../host/ledger/readGroup'
import { readInputs } from '../../../host/ledger/readInputs'
import { submitInitKeyUpdate } from '../../../host/ledger/submitInitKeyUpdate'
import { submitRekey } from '../../../host/ledger/submitRekey'
import { fileStore } from '../../../host/storage/fileStore'
import { createMemberNode, type MemberNode } from '../../../host/node/createMemberNode'
import { stepUntil } from '../../../host/node/stepUntil'
import { createMemoryExchange } from '../../../host/checkpoint/checkpointExchange'

/** The members' shared checkpoint exchange, as their node APIs would be. */
const checkpoints = createMemoryExchange()

let anvil: Anvil
let deployment: Deployment
let dataRoot: string
const running: { close: () => Promise<void> }[] = []

const publicClient = () => createPublicClient({ transport: http(anvil.rpcUrl), pollingInterval: 50 })
async function clientsFor(accountIndex: number) {
  const addresses = await createWalletClient({ transport: http(anvil.rpcUrl) }).getAddresses()
  return createLedgerClients({
    rpcUrl: anvil.rpcUrl,
    chainId: deployment.chainId,
    account: addresses[accountIndex]!,
    pollingIntervalMs: 50,
  })
}

type Member = {
  node: MemberNode
  enclave: EnclaveClient
  machine: SimMachine
  dir: string
  close: () => Promise<void>
  status: () => ReturnType<MemberNode['step']>
}

/** A member on its own simulated machine with its own data dir and operator account. */
async function startMember(name: string, accountIndex: number): Promise<Member> {
  const dir = join(dataRoot, name)
  const machine = await loadOrCreateSimMachine(fileStore(join(dir, 'sim-machine.json')), 'sim-machine.json')
  const { client } = await startNodeEnclave({ machine })
  const node = createMemberNode({
    enclave: client,
    checkpoints,
    clients: await clientsFor(accountIndex),
    deployment,
    store: fileStore(join(dir, 'enclave.sealed')),
  })
  await node.bind()
  const member = { node, enclave: client, machine, dir, close: () => client.close(), status: () => client.getStatus() }
  running.push(member)
  return member
}

/** Steps the members until `done` holds for their statuses and the chain's group. */
async function converge(
  members: Member[],
  done: (statuses: Awaited<ReturnType<Member['status']>>[], chain: Awaited<ReturnType<typeof readGroup>>) => boolean,
) {
  let chain = await readGroup(publicClient(), { ledger: deployment.contracts.ledger })
  // Statuses from the last step lag the chain by our own last transaction: take them fresh once the step is done.
  await stepUntil(
    members.map((m) => m.node),
    async () => {
      chain = await readGroup(publicClient(), { ledger: deployment.contracts.ledger })
      return done(await Promise.all(members.map((m) => m.status())), chain)
    },
  )
  return { statuses: await Promise.all(members.map((m) => m.status())), chain }
}

const allHoldEpochOfChain = (
  statuses: Awaited<ReturnType<Member['status']>>[],
  chain: Awaited<ReturnType<typeof readGroup>>,
) =>
  chain.epoch > 0n &&
  statuses.every(
    (s) =>
      s.member &&
      s.holdsEpoch &&
      s.epoch === chain.epoch &&
      s.cmdPubKey === chain.cmdPubKey &&
      s.seq === chain.seq &&
      !s.rekeyNeeded &&
      !s.initKeyRotationDue,
  )

beforeAll(async () => {
  dataRoot = await mkdtemp(join(tmpdir(), 'anonify-members-'))
  anvil = await startAnvil()
  const manifest = await readEnclaveManifest(ENCLAVE_BUILD_DIR)
  deployment = await deployStack({ rpcUrl: anvil.rpcUrl, measurement: manifest.measurement })
})

afterAll(async () => {
  await Promise.all(running.map((m) => m.close().catch(() => {})))
  await anvil?.stop()
  await rm(dataRoot, { recursive: true, force: true })
})

describe('member nodes', { timeout: 120_000 }, () => {
  let alice: Member
  let bob: Member
  let carol: Member
  let removedSigner: Address

  it('two nodes register, the first keys genesis, and both reach the epoch the chain publishes', async () => {
    alice = await startMember('alice', 1)
    bob = await startMember('bob', 2)
    const { statuses, chain } = await converge(
      [alice, bob],
      (s, c) => c.members.length === 2 && allHoldEpochOfChain(s, c),
    )
    expect(statuses.map((s) => s.signer)).toEqual(chain.members)
    expect(statuses[0]!.seq).toBe(chain.seq)
    expect(statuses[1]!.seq).toBe(chain.seq)
  })

  it('rotates on demand: a governance request makes the members key a new epoch for the same member set', async () => {
    const before = await readGroup(publicClient(), { ledger: deployment.contracts.ledger })
    await requestRekey(await clientsFor(0), { ledger: deployment.contracts.ledger })
    const { chain } = await converge([alice, bob], (s, c) => c.epoch === before.epoch + 1n && allHoldEpochOfChain(s, c))
    expect(chain.members).toEqual(before.members)
    expect(chain.cmdPubKey).not.toBe(before.cmdPubKey)
  })

  it('a node killed mid-run restarts from its data dir and rejoins a group that rotated without it', async () => {
    const before = (await readGroup(publicClient(), { ledger: deployment.contracts.ledger })).epoch
    carol = await startMember('carol', 3)
    await carol.node.step()
    // Quorum before release: Alice seals Carol nothing until Bob, another operator's member, has signed the
    // checkpoint at her registration. Bob steps first in each round, so he has not seen the rekey that follows.
    expect((await alice.node.step()).awaitingCheckpoint?.signer).toBe((await carol.status()).signer)
    await stepUntil([bob.node, alice.node], async () => (await alice.status()).awaitingCheckpoint === undefined)
    // Killed: the Worker dies with no final seal; only what the node had sealed as it went survives.
    await bob.close()
    await converge([alice, carol], (s, c) => c.members.length === 3 && c.epoch > before && allHoldEpochOfChain(s, c))

    const bobAgain = await startMember('bob', 2)
    const { chain } = await converge([alice, carol, bobAgain], allHoldEpochOfChain)
    expect(chain.members).toHaveLength(3)
    const bobStatus = await bobAgain.status()
    expect(bobStatus.signer).toBe((await alice.status()).members[1])
    bob = bobAgain
  })

  it('after governance removes a member the rest rotate, and the removed member cannot derive the new command key', async () => {
    const bobSigner = (await bob.status()).signer!
    // What an attacker who later breaks into Bob's machine gets: his sealed state from while he was a member.
    const { group: stolen } = await unsealState(
      await stolenMachineClient(bob.machine),
      (await fileStore(join(bob.dir, 'enclave.sealed')).load())!,
      BigInt(deployment.chainId),
      deployment.contracts.ledger,
    )
    const governor = await clientsFor(0)
    await removeEnclave(governor, { ledger: deployment.contracts.ledger, signer: bobSigner })

    const before = (await alice.status()).epoch
    const { chain } = await converge(
      [alice, carol],
      (s, c) => c.members.length === 2 && c.epoch > before && allHoldEpochOfChain(s, c),
    )
    await bob.node.step()
    // Bob applied his removal: he forgot the epoch and dropped the identity, and his node registered a new one.
    const bobStatus = await bob.status()
    expect(bobStatus.holdsEpoch).toBe(false)
    expect(bobStatus.member).toBe(false)
    expect(bobStatus.signer).toBeDefined()
    expect(isAddressEqual(bobStatus.signer!, bobSigner)).toBe(false)
    removedSigner = bobSigner

    // The attack: Bob's init keys open no share of the new epoch, and his old epoch secret does not derive its key.
    const rekeys = (
      await readInputs(publicClient(), { ledger: deployment.contracts.ledger, afterSeq: 0n, fromBlock: 0n })
    ).inputs
      .filter((i) => i.kind === INPUT_KIND.rekey)
      .map((input) =>
        decodeAbiParameters(
          [
            { type: 'uint64' },
            { type: 'address' },
            { type: 'bytes32' },
            { type: 'bytes32' },
            { type: 'bytes32' },
            { type: 'bytes[]' },
          ],
          input.payload,
        ),
      )
    const sharesOpened = async (
      [epoch, , , , commit, shares]: (typeof rekeys)[number],
      initKeys: { privateKey: Uint8Array }[],
    ) => {
      let opened = 0
      for (const share of shares)
        for (const initKey of initKeys)
          for (const member of [bobSigner, ...chain.members])
            await openWith(
              initKey.privateKey,
              shareInfo(stolen, epoch, member),
              hexToBytes(commit),
              hexToBytes(share),
            ).then(
              () => opened++,
              () => {},
            )
      return opened
    }
    const [epoch, , , cmdPubKey] = rekeys.at(-1)!
    expect(epoch).toBe(chain.epoch)
    expect(await sharesOpened(rekeys.at(-1)!, stolen.identity!.initKeys)).toBe(0)
    // Control: the same derivation does give the command key of the epoch Bob was keyed into.
    const [, , , bobsCmdPubKey] = rekeys.find(([e]) => e === stolen.epoch)!
    expect((await deriveEpochKeys(stolen.epochSecret!, stolen.epoch)).command.publicKey).toBe(bobsCmdPubKey)
    expect(stolen.epochSecret).toBeDefined()
    const guessed = await deriveEpochKeys(stolen.epochSecret!, epoch)
    expect(guessed.command.publicKey).not.toBe(cmdPubKey)
    expect(chain.members.some((m) => isAddressEqual(m, bobSigner))).toBe(false)
  })

  it('a removed member registers again under a new signer, is rekeyed in and holds the new epoch', async () => {
    // Known limit: Bob's application state misses the commands he could not open while he was out (and none were
    // posted here); restoring it from a checkpoint's snapshot comes with checkpoints.
    const before = await readGroup(publicClient(), { ledger: deployment.contracts.ledger })
    const { statuses, chain } = await converge(
      [alice, carol, bob],
      (s, c) => c.members.length === 3 && c.epoch > before.epoch && allHoldEpochOfChain(s, c),
    )
    const bobSigner = statuses[2]!.signer!
    expect(chain.members.at(-1)).toBe(bobSigner)
    expect(chain.members.some((m) => isAddressEqual(m, removedSigner))).toBe(false)
    // The old identity stays retired on chain: nobody can register it again.
    const enclave = await publicClient().readContract({
      address: deployment.contracts.ledger,
      abi: ledgerAbi,
      functionName: 'enclaveOf',
      args: [removedSigner],
    })
    expect(enclave.active).toBe(false)
  })

  it('the group outlives the attestation TTL: moved past it in steps, the members re-attest on their own and removeExpired fails for each', async () => {
    const members = [alice, carol, bob]
    const before = await readGroup(publicClient(), { ledger: deployment.contracts.ledger })
    const ttlDays = 30n
    // Four days a step: each member meets the last fifth of its TTL (six days) at least once before it ends.
    for (let day = 4n; day <= ttlDays + 10n; day += 4n) {
      await passTime(4n * DAY)
      await converge(members, allHoldEpochOfChain)
      // A stranger tries to end the group at every step.
      for (const signer of before.members)
        expect(await removeExpiredRevert(signer), `day ${day}`).toBe('RegistryNotExpired')
    }
    const { chain } = await converge(members, allHoldEpochOfChain)
    expect(chain.members).toEqual(before.members)
    expect(chain.epoch).toBe(before.epoch)
    // Each member renewed itself (once: 40 days is one TTL and a margin), without a rekey or anyone's help.
    const reattested = (
      await readInputs(publicClient(), { ledger: deployment.contracts.ledger, afterSeq: before.seq, fromBlock: 0n })
    ).inputs
      .filter((i) => i.kind === KIND_MEMBER_REATTESTED)
      .map((i) => decodeAbiParameters([{ type: 'address' }], i.payload)[0])
    expect([...reattested].sort()).toEqual([...before.members].sort())
  })

  it('attack: a rekey held while a member replaced its init key is refused when posted later, and the group goes on', async () => {
    const members = [alice, carol, bob]
    const before = await readGroup(publicClient(), { ledger: deployment.contracts.ledger })
    // Anyone can carry a signed proposal: one is built now and held back…
    const held = await alice.enclave.proposeRekey()
    // …while a member replaces its init key (the erased key is the one the held share was sealed to).
    await submitInitKeyUpdate(await clientsFor(3), {
      ledger: deployment.contracts.ledger,
      update: await carol.enclave.rotateInitKey(),
    })
    await converge(members, (s, c) => s.every((x) => x.seq === c.seq))

    // Accepting it would start an epoch carol cannot open, that nobody could rekey out of.
    const refused = await submitRekey(await clientsFor(5), {
      ledger: deployment.contracts.ledger,
      proposal: held,
    }).then(
      () => undefined,
      (error: unknown) => {
        const revert = error instanceof BaseError ? error.walk((e) => e instanceof ContractFunctionRevertedError) : null
        return revert instanceof ContractFunctionRevertedError ? revert.data?.errorName : String(error)
      },
    )
    expect(refused).toBe('EpochMemberSetChanged')

    // The members still hold the epoch and rotate on the next request as usual.
    await requestRekey(await clientsFor(0), { ledger: deployment.contracts.ledger })
    const { chain } = await converge(members, (s, c) => c.epoch === before.epoch + 1n && allHoldEpochOfChain(s, c))
    expect(chain.members).toEqual(before.members)
  })
})

const DAY = 24n * 60n * 60n
/** EnclaveRegistry's KIND_MEMBER_REATTESTED. */
const KIND_MEMBER_REATTESTED = 10

/** Moves the chain's clock forward and mines a block at the new time. */
async function passTime(seconds: bigint) {
  await publicClient().request({ method: 'evm_increaseTime' as never, params: [toHex(seconds)] as never })
  await publicClient().request({ method: 'evm_mine' as never })
}

/** The error name `removeExpired(signer)` reverts with, sent by a stranger; undefined if the member was removed. */
async function removeExpiredRevert(signer: Address): Promise<string | undefined> {
  const { publicClient: reader, walletClient } = await clientsFor(5)
  try {
    const { request } = await reader.simulateContract({
      address: deployment.contracts.ledger,
      abi: ledgerAbi,
      functionName: 'removeExpired',
      args: [signer],
      account: walletClient.account,
    })
    await reader.waitForTransactionReceipt({ hash: await walletClient.writeContract(request) })
    return undefined
  } catch (error) {
    const revert = error instanceof BaseError ? error.walk((e) => e instanceof ContractFunctionRevertedError) : null
    if (!(revert instanceof ContractFunctionRevertedError)) throw error
    return revert.data?.errorName
  }
}
