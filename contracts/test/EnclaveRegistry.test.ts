/**
 * The registry as an attacker meets it: every policy check rejects with its custom error, and nothing changes.
 * Evidence comes from real simulated machines (enclave-wasm/platform/sim), bound the way enclaves bind it.
 */
import {
  BaseError,
  ContractFunctionRevertedError,
  createWalletClient,
  decodeAbiParameters,
  encodeAbiParameters,
  getAddress,
  hexToBytes,
  http,
  keccak256,
  parseEventLogs,
  toHex,
  type Address,
  type Hex,
} from 'viem'
import { privateKeyToAddress, serializeSignature, sign } from 'viem/accounts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ledgerAbi } from '../generated/ledger'
import { simAttestationVerifierAbi } from '../generated/simAttestationVerifier'
import { createSimMachine, type SimMachine } from '../../enclave-wasm/platform/sim/createSimPlatform'
import { TCB_STATUS } from '../../enclave-wasm/platform/teePlatform'
import { verifySimEvidence } from '../../enclave-wasm/envelopes/verifySimEvidence'
import { INPUT_KIND } from '../../enclave-wasm/protocol'
import { TEE_TYPE_SIM } from '../../host/ledger/constants'
import { createLedgerClients } from '../../host/chain/createLedgerClients'
import { startAnvil, type Anvil } from '../../host/chain/startAnvil'
import { deployStack } from '../../host/deployment/deployStack'
import type { Deployment } from '../../host/deployment/parseDeployment'
import { deploySimVerifier } from '../../host/ledger/deploySimVerifier'
import { allowMeasurement, removeEnclave } from '../../host/ledger/governance'
import { readGroup } from '../../host/ledger/readGroup'
import { readNetwork } from '../../host/ledger/readNetwork'
import { reattestEnclave } from '../../host/ledger/reattestEnclave'
import { registerEnclave } from '../../host/ledger/registerEnclave'
import { submitInitKeyUpdate } from '../../host/ledger/submitInitKeyUpdate'
import { submitBatch } from '../../host/ledger/submitBatch'
import { submitRekey } from '../../host/ledger/submitRekey'
import { submitRekeyAnswer } from '../../host/ledger/submitRekeyAnswer'
import { submitRekeySettle } from '../../host/ledger/submitRekeySettle'
import { buildContracts } from '../build'
import { simEvidence } from '../../host/enclave/simEvidence'
import { REGISTRATION_PAYLOAD } from '../../enclave-wasm/envelopes/checkRegistration'

const MEASUREMENT: Hex = keccak256(toHex('anonify test enclave'))
let anvil: Anvil
let deployment: Deployment
let accounts: Address[]
let honestMachine: SimMachine

const clientsOf = (index: number) =>
  createLedgerClients({ rpcUrl: anvil.rpcUrl, chainId: 31337, account: accounts[index]!, pollingIntervalMs: 50 })

let signerCounter = 0
/** A fresh enclave signer and init key per registration, deterministic per test run. */
const anIdentity = () => {
  signerCounter++
  return {
    signer: `0x${signerCounter.toString(16).padStart(40, '0')}` as Address,
    initKey: keccak256(toHex(`init ${signerCounter}`)),
  }
}

type EvidenceOptions = {
  machine?: SimMachine
  measurement?: Hex
  debug?: boolean
  operator?: Address | undefined
  chainId?: bigint
  contract?: Address
  anchorBlock?: bigint
}

/** Registration evidence bound as an enclave binds it (simEvidence); each option bends one part of it. */
const anEvidence = (identity: { signer: Address; initKey: Hex }, options: EvidenceOptions = {}) =>
  simEvidence({
    publicClient: clientsOf(0).publicClient,
    machine: options.machine ?? honestMachine,
    ledger: deployment.contracts.ledger,
    operator: options.operator ?? accounts[1]!,
    measurement: options.measurement ?? MEASUREMENT,
    ...identity,
    debug: options.debug,
    chainId: options.chainId,
    contract: options.contract,
    anchorBlock: options.anchorBlock,
  })

/** Registers from account #1 (or `from`) and returns the revert's name and args. */
async function revertOf(registration: Awaited<ReturnType<typeof anEvidence>>, from = 1) {
  const error = await registerEnclave(clientsOf(from), registration).then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(BaseError)
  const revert = (error as BaseError).walk(
    (e) => e instanceof ContractFunctionRevertedError,
  ) as ContractFunctionRevertedError
  return { errorName: revert.data?.errorName, args: revert.data?.args }
}

const memberCount = async () =>
  (await readGroup(clientsOf(0).publicClient, { ledger: deployment.contracts.ledger })).members.length

beforeAll(async () => {
  await buildContracts()
  anvil = await startAnvil()
  deployment = await deployStack({ rpcUrl: anvil.rpcUrl, measurement: MEASUREMENT })
  accounts = await createWalletClient({ transport: http(anvil.rpcUrl) }).getAddresses()
  honestMachine = await createSimMachine()
})
afterAll(async () => anvil?.stop())

describe('EnclaveRegistry', () => {
  it('admits an enclave with valid evidence and records it in the input stream, evidence and all', async () => {
    const identity = anIdentity()
    const registration = await anEvidence(identity)
    const receipt = await registerEnclave(clientsOf(1), registration)
    const [registered] = parseEventLogs({ abi: ledgerAbi, logs: receipt.logs, eventName: 'EnclaveRegistered' })
    expect(registered!.args).toMatchObject({
      signer: identity.signer,
      operator: accounts[1],
      measurement: MEASUREMENT,
      initKey: identity.initKey,
    })
    const [input] = parseEventLogs({ abi: ledgerAbi, logs: receipt.logs, eventName: 'InputAppended' })
    expect(input!.args.kind).toBe(INPUT_KIND.memberAdded)
    // What an enclave needs to verify the registration itself: the evidence and everything its report_data binds.
    const anchorHash = (await clientsOf(0).publicClient.getBlock({ blockNumber: registration.anchorBlock })).hash
    expect(decodeAbiParameters(REGISTRATION_PAYLOAD, input!.args.payload)).toEqual([
      identity.signer,
      accounts[1],
      identity.initKey,
      MEASUREMENT,
      TEE_TYPE_SIM,
      anchorHash,
      registration.evidence,
    ])
    expect((await readGroup(clientsOf(0).publicClient, { ledger: deployment.contracts.ledger })).members).toEqual([
      identity.signer,
    ])
  })

  it('error: a measurement not on the allow-list reverts RegistryMeasurementNotAllowed', async () => {
    const other = keccak256(toHex('unreviewed build'))
    const before = await memberCount()
    expect(await revertOf(await anEvidence(anIdentity(), { measurement: other }))).toEqual({
      errorName: 'RegistryMeasurementNotAllowed',
      args: [other],
    })
    expect(await memberCount()).toBe(before)
  })

  it('error: an anchor older than 256 blocks reverts RegistryStaleAnchor', async () => {
    const { publicClient } = clientsOf(0)
    const anchorBlock = await publicClient.getBlockNumber()
    const registration = await anEvidence(anIdentity(), { anchorBlock })
    await publicClient.request({ method: 'anvil_mine' as never, params: ['0x101'] as never })
    const result = await revertOf(registration)
    expect(result.errorName).toBe('RegistryStaleAnchor')
    expect(result.args?.[0]).toBe(anchorBlock)
  })

  it('error: evidence bound to another operator reverts RegistryBindingMismatch', async () => {
    const registration = await anEvidence(anIdentity(), { operator: accounts[2] })
    expect((await revertOf(registration, 1)).errorName).toBe('RegistryBindingMismatch')
  })

  it('error: evidence bound to another chain id reverts RegistryBindingMismatch', async () => {
    expect((await revertOf(await anEvidence(anIdentity(), { chainId: 1n }))).errorName).toBe('RegistryBindingMismatch')
  })

  it('error: evidence bound to another contract reverts RegistryBindingMismatch', async () => {
    expect(
      (await revertOf(await anEvidence(anIdentity(), { contract: deployment.contracts.verifier }))).errorName,
    ).toBe('RegistryBindingMismatch')
  })

  it('error: a platform whose TCB is revoked reverts RegistryTcbNotAcceptable(Revoked)', async () => {
    const machine = await createSimMachine({ tcbStatus: TCB_STATUS.Revoked })
    expect(await revertOf(await anEvidence(anIdentity(), { machine }))).toEqual({
      errorName: 'RegistryTcbNotAcceptable',
      args: [TCB_STATUS.Revoked],
    })
  })

  it('error: a debug enclave reverts RegistryDebugEnclave', async () => {
    expect(await revertOf(await anEvidence(anIdentity(), { debug: true }))).toEqual({
      errorName: 'RegistryDebugEnclave',
      args: [MEASUREMENT],
    })
  })

  it('error: a quote signed by a platform key the root CA did not certify reverts SimPlatformNotCertified', async () => {
    const impostorCa = keccak256(toHex('not the root ca'))
    const machine = await createSimMachine({ caKey: impostorCa })
    const result = await revertOf(await anEvidence(anIdentity(), { machine }))
    expect(result.errorName).toBe('SimPlatformNotCertified')
  })

  it('error: a quote altered after signing reverts SimQuoteSignatureInvalid', async () => {
    const registration = await anEvidence(anIdentity())
    const types = [
      { type: 'bytes' },
      { type: 'bytes' },
      { type: 'bytes16' },
      { type: 'address' },
      { type: 'uint8' },
      { type: 'bytes' },
    ] as const
    const [quote, ...rest] = decodeAbiParameters(types, registration.evidence)
    // Flip a bit of report_data[32:64] (header 48 + body offset 320 + 32), which no binding check covers: only the
    // platform's signature does.
    const altered = hexToBytes(quote)
    altered[48 + 320 + 40]! ^= 1
    const evidence = encodeAbiParameters(types, [toHex(altered), ...rest])
    expect((await revertOf({ ...registration, evidence })).errorName).toBe('SimQuoteSignatureInvalid')
  })

  it('error: the same signer cannot register twice', async () => {
    const identity = anIdentity()
    await registerEnclave(clientsOf(1), await anEvidence(identity))
    expect(await revertOf(await anEvidence(identity))).toEqual({
      errorName: 'RegistryAlreadyRegistered',
      args: [identity.signer],
    })
  })

  it('error: only the governor may allow measurements or remove enclaves', async () => {
    const error = await allowMeasurement(clientsOf(3), {
      ledger: deployment.contracts.ledger,
      measurement: MEASUREMENT,
    }).catch((e: unknown) => e)
    const revert = (error as BaseError).walk(
      (e) => e instanceof ContractFunctionRevertedError,
    ) as ContractFunctionRevertedError
    expect(revert.data?.errorName).toBe('AccessControlUnauthorizedAccount')
  })

  it('governance removal drops the member and records it in the input stream', async () => {
    const identity = anIdentity()
    await registerEnclave(clientsOf(1), await anEvidence(identity))
    const before = await memberCount()
    const receipt = await removeEnclave(clientsOf(0), { ledger: deployment.contracts.ledger, signer: identity.signer })
    const [input] = parseEventLogs({ abi: ledgerAbi, logs: receipt.logs, eventName: 'InputAppended' })
    expect(input!.args.kind).toBe(INPUT_KIND.memberRemoved)
    expect(await memberCount()).toBe(before - 1)

    // Its enclave dropped that identity; fresh evidence for the old signer is refused.
    expect(await revertOf(await anEvidence(identity))).toEqual({
      errorName: 'RegistrySignerRetired',
      args: [getAddress(identity.signer)],
    })
    expect(await memberCount()).toBe(before - 1)
  })

  it('readNetwork: every member with its registration and verdict, from one multicall', async () => {
    const identity = anIdentity()
    await registerEnclave(clientsOf(1), await anEvidence(identity))
    const network = await readNetwork(clientsOf(0).publicClient, { ledger: deployment.contracts.ledger })
    const members = (await readGroup(clientsOf(0).publicClient, { ledger: deployment.contracts.ledger })).members
    expect(network.enclaves.map((e) => e.signer)).toEqual(members)
    expect(network.enclaves.at(-1)).toMatchObject({
      signer: identity.signer,
      operator: accounts[1],
      measurement: MEASUREMENT,
      measurementAllowed: true,
      trusted: true,
    })
    expect(network.seq).toBe(
      await clientsOf(0).publicClient.readContract({
        address: deployment.contracts.ledger,
        abi: ledgerAbi,
        functionName: 'seq',
      }),
    )
  })
})

/** Moves the chain's clock forward by `seconds` and mines a block at the new time. */
async function passTime(seconds: bigint) {
  const { publicClient } = clientsOf(0)
  await publicClient.request({ method: 'evm_increaseTime' as never, params: [toHex(seconds)] as never })
  await publicClient.request({ method: 'evm_mine' as never })
}

/** Mines blocks until the chain's head is `blockNumber` (no-op if it is there already). */
async function mineUntil(blockNumber: bigint) {
  const { publicClient } = clientsOf(0)
  const head = await publicClient.getBlockNumber()
  if (head < blockNumber)
    await publicClient.request({ method: 'anvil_mine' as never, params: [toHex(blockNumber - head)] as never })
}

/** InputStream.KIND_MEMBER_REATTESTED. */
const KIND_MEMBER_REATTESTED = 10

const DAY = 24n * 60n * 60n
const TTL = 30n * DAY

/** An enclave identity whose signer key the test holds, so it can sign rekeys as that enclave would. */
let keyedCounter = 0
const aKeyedIdentity = () => {
  const key = keccak256(toHex(`keyed signer ${++keyedCounter}`))
  return { key, signer: privateKeyToAddress(key), initKey: keccak256(toHex(`keyed init ${keyedCounter}`)) }
}

type Keyed = { key: Hex; signer: Address }

/** A rekey of the next epoch on `ledger` signed by `proposer`, built now, one placeholder share per member. */
async function signedRekey(ledger: Address, proposer: Keyed, { atSeqOffset = 0n } = {}) {
  const { publicClient } = clientsOf(0)
  const read = { address: ledger, abi: ledgerAbi } as const
  const [[current], setHash, members, seq] = await Promise.all([
    publicClient.readContract({ ...read, functionName: 'currentEpoch' }),
    publicClient.readContract({ ...read, functionName: 'memberSetHash' }),
    publicClient.readContract({ ...read, functionName: 'members' }),
    publicClient.readContract({ ...read, functionName: 'seq' }),
  ])
  const epoch = current + 1n
  const atSeq = seq + atSeqOffset
  const shares = members.map((_, i) => toHex(new Uint8Array(80).fill(i + 1)))
  const cmdPubKey = keccak256(toHex(`cmd ${epoch} ${seq}`))
  const commit = keccak256(toHex(`commit ${epoch} ${seq}`))
  const digest = await publicClient.readContract({
    ...read,
    functionName: 'rekeyDigest',
    args: [epoch, atSeq, setHash, cmdPubKey, commit, shares],
  })
  const signature = serializeSignature(await sign({ hash: digest, privateKey: proposer.key }))
  return { epoch, atSeq, setHash, cmdPubKey, commit, shares, proposer: proposer.signer, signature }
}

/**
 * Proposes the next epoch on `ledger` as `proposer` and has each of `ackers` acknowledge it (the proposer plus a
 * majority settles it). Returns the epoch and the rekey's input.
 */
async function rekeyAs(ledger: Address, proposer: Keyed, ackers: Keyed[] = []) {
  const proposal = await signedRekey(ledger, proposer)
  const receipt = await submitRekey(clientsOf(1), { ledger, proposal })
  const [input] = parseEventLogs({ abi: ledgerAbi, logs: receipt.logs, eventName: 'InputAppended' })
  const answered = { epoch: proposal.epoch, rekeySeq: input!.args.seq }
  for (const acker of ackers) await answerAs(ledger, acker, { ...answered, ack: true })
  return { ...answered, receipt }
}

/** Posts `member`'s signed answer to the pending rekey (epoch, rekeySeq). */
async function answerAs(
  ledger: Address,
  member: Keyed,
  { epoch, rekeySeq, ack }: { epoch: bigint; rekeySeq: bigint; ack: boolean },
) {
  const digest = await clientsOf(0).publicClient.readContract({
    address: ledger,
    abi: ledgerAbi,
    functionName: 'rekeyAnswerDigest',
    args: [epoch, rekeySeq, member.signer, ack],
  })
  const signature = serializeSignature(await sign({ hash: digest, privateKey: member.key }))
  return submitRekeyAnswer(clientsOf(1), { ledger, answer: { epoch, rekeySeq, signer: member.signer, ack, signature } })
}

/** The revert of `removeExpired(signer)` on `ledger`, or undefined if it would succeed; sends it if it would. */
async function removeExpiredOn(ledger: Address, signer: Address) {
  const { publicClient, walletClient } = clientsOf(3)
  try {
    const { request } = await publicClient.simulateContract({
      address: ledger,
      abi: ledgerAbi,
      functionName: 'removeExpired',
      args: [signer],
      account: walletClient.account,
    })
    await publicClient.waitForTransactionReceipt({ hash: await walletClient.writeContract(request) })
    return undefined
  } catch (error) {
    const revert = (error as BaseError).walk(
      (e) => e instanceof ContractFunctionRevertedError,
    ) as ContractFunctionRevertedError | null
    if (!revert) throw error
    return { errorName: revert.data?.errorName, args: revert.data?.args }
  }
}

/** The custom error of a registry call, or throws if it did not revert. */
async function revertOfCall(call: Promise<unknown>) {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(BaseError)
  const revert = (error as BaseError).walk(
    (e) => e instanceof ContractFunctionRevertedError,
  ) as ContractFunctionRevertedError
  return { errorName: revert.data?.errorName, args: revert.data?.args }
}

describe('EpochKeys: pending rekeys', () => {
  let ledger: Address
  let a: Keyed & { initKey: Hex }
  let b: Keyed & { initKey: Hex }
  let c: Keyed & { initKey: Hex }
  const read = () => ({ address: ledger, abi: ledgerAbi }) as const
  const currentEpoch = () => clientsOf(0).publicClient.readContract({ ...read(), functionName: 'currentEpoch' })
  const pendingRekey = () => clientsOf(0).publicClient.readContract({ ...read(), functionName: 'pendingRekey' })
  const membersOf = async () => (await readGroup(clientsOf(0).publicClient, { ledger })).members
  const admit = async (identity: { signer: Address; initKey: Hex }) =>
    registerEnclave(clientsOf(1), { ...(await anEvidence(identity, { contract: ledger })), ledger })
  const post = async (proposal: Awaited<ReturnType<typeof signedRekey>>) =>
    submitRekey(clientsOf(1), { ledger, proposal })
  const gasOf = (receipt: { gasUsed: bigint }) => Number(receipt.gasUsed)
  /** settleRekey from an account that is no member's operator: anyone may call it. */
  const settle = (epoch: bigint, rekeySeq: bigint) => submitRekeySettle(clientsOf(3), { ledger, epoch, rekeySeq })

  beforeAll(async () => {
    ;({ ledger } = (await deployStack({ rpcUrl: anvil.rpcUrl, measurement: MEASUREMENT })).contracts)
    ;[a, b, c] = [aKeyedIdentity(), aKeyedIdentity(), aKeyedIdentity()]
    for (const identity of [a, b, c]) await admit(identity)
    await rekeyAs(ledger, a, [b])
  })

  it('attack: a proposal held while a member replaced its init key is refused (EpochMemberSetChanged)', async () => {
    const held = await signedRekey(ledger, a)
    const initKey = keccak256(toHex('c rotates'))
    const digest = await clientsOf(0).publicClient.readContract({
      ...read(),
      functionName: 'initKeyDigest',
      args: [c.signer, c.initKey, initKey],
    })
    const signature = serializeSignature(await sign({ hash: digest, privateKey: c.key }))
    await submitInitKeyUpdate(clientsOf(1), { ledger, update: { signer: c.signer, initKey, signature } })
    c.initKey = initKey
    expect((await revertOfCall(post(held))).errorName).toBe('EpochMemberSetChanged')
  })

  it('error: a proposal claiming a position the stream has not reached is refused (EpochFuturePosition)', async () => {
    const ahead = await signedRekey(ledger, a, { atSeqOffset: 1n })
    expect(await revertOfCall(post(ahead))).toEqual({
      errorName: 'EpochFuturePosition',
      args: [ahead.atSeq, ahead.atSeq - 1n],
    })
  })

  it('a posted rekey is pending: currentEpoch stays, init-key updates and a second rekey are refused; acks settle it at floor(n/2)+1', async () => {
    const [settled, settledKey] = await currentEpoch()
    const { epoch, rekeySeq, receipt } = await rekeyAs(ledger, b)
    // About 198k: the shares' calldata and log, and the pending rekey's four storage slots.
    expect(gasOf(receipt)).toBeLessThan(210_000)
    expect(parseEventLogs({ abi: ledgerAbi, logs: receipt.logs, eventName: 'EpochRotated' })).toEqual([])
    expect((await currentEpoch()).slice(0, 2)).toEqual([settled, settledKey])
    expect((await pendingRekey()).slice(0, 5)).toEqual([epoch, rekeySeq, b.signer, 1, 0])

    const digest = await clientsOf(0).publicClient.readContract({
      ...read(),
      functionName: 'initKeyDigest',
      args: [a.signer, a.initKey, keccak256(toHex('a rotates'))],
    })
    const update = {
      signer: a.signer,
      initKey: keccak256(toHex('a rotates')),
      signature: serializeSignature(await sign({ hash: digest, privateKey: a.key })),
    }
    expect(await revertOfCall(submitInitKeyUpdate(clientsOf(1), { ledger, update }))).toEqual({
      errorName: 'EpochRekeyPending',
      args: [epoch, rekeySeq],
    })
    expect((await revertOfCall(post(await signedRekey(ledger, c)))).errorName).toBe('EpochRekeyPending')

    // Proposer + one of three is a majority: the ack settles it, and the epoch rotates in that transaction.
    const ack = await answerAs(ledger, c, { epoch, rekeySeq, ack: true })
    // About 113k: the signature check, the input, and moving the pending epoch into the current one.
    expect(gasOf(ack)).toBeLessThan(120_000)
    const [rotated] = parseEventLogs({ abi: ledgerAbi, logs: ack.logs, eventName: 'EpochRotated' })
    expect(rotated!.args).toMatchObject({ epoch, proposer: b.signer })
    const [input] = parseEventLogs({ abi: ledgerAbi, logs: ack.logs, eventName: 'InputAppended' })
    expect(input!.args.kind).toBe(INPUT_KIND.rekeyAck)
    expect((await currentEpoch())[0]).toBe(epoch)
    expect((await pendingRekey())[0]).toBe(0n)
  })

  it('error: an answer from a non-member, with a bad signature, twice, or by the proposer is refused', async () => {
    const { epoch, rekeySeq } = await rekeyAs(ledger, a)
    const stranger = aKeyedIdentity()
    const answered = { epoch, rekeySeq, ack: false }
    expect((await revertOfCall(answerAs(ledger, stranger, answered))).errorName).toBe('EnclaveNotActive')
    // Signed by another key than the member's.
    const forged = { key: stranger.key, signer: b.signer }
    expect((await revertOfCall(answerAs(ledger, forged, answered))).errorName).toBe('EnclaveSignatureInvalid')
    expect((await revertOfCall(answerAs(ledger, a, answered))).errorName).toBe('EpochAlreadyAnswered')
    expect((await revertOfCall(answerAs(ledger, b, { ...answered, rekeySeq: rekeySeq - 1n }))).errorName).toBe(
      'EpochNoPendingRekey',
    )
    const complaint = await answerAs(ledger, b, answered)
    expect(gasOf(complaint)).toBeLessThan(90_000)
    expect((await revertOfCall(answerAs(ledger, b, { ...answered, ack: true }))).errorName).toBe('EpochAlreadyAnswered')
  })

  it('complaints from floor((n-1)/2)+1 other members void it and remove the proposer (REMOVED_BAD_REKEY); a replacement for the same epoch settles', async () => {
    const [settled] = await currentEpoch()
    const { epoch, rekeySeq } = await pendingRekey().then(([e, s]) => ({ epoch: e, rekeySeq: s }))
    // b complained in the previous test; c's complaint is the second of the two others.
    const voiding = await answerAs(ledger, c, { epoch, rekeySeq, ack: false })
    // About 137k: the complaint, dropping the pending rekey, checking and removing its proposer (a second input).
    expect(gasOf(voiding)).toBeLessThan(140_000)
    const logs = parseEventLogs({ abi: ledgerAbi, logs: voiding.logs })
    expect(logs.map((l) => l.eventName)).toEqual([
      'RekeyAnswered',
      'InputAppended',
      'RekeyVoided',
      'EnclaveRemoved',
      'InputAppended',
    ])
    expect(logs.find((l) => l.eventName === 'EnclaveRemoved')!.args).toEqual({ signer: a.signer, reason: 4 })
    expect(await membersOf()).toEqual([b.signer, c.signer])
    expect((await currentEpoch())[0]).toBe(settled)
    expect((await pendingRekey())[0]).toBe(0n)

    const replacement = await rekeyAs(ledger, b, [c])
    expect(replacement.epoch).toBe(epoch)
    expect((await currentEpoch())[0]).toBe(epoch)
  })

  it('attack: a false complaint voids but cannot remove the last member holding the epoch', async () => {
    // A fresh group: only p holds epoch 1; j joined after it, so its complaint alone is a majority of the others.
    const { ledger: fresh } = (await deployStack({ rpcUrl: anvil.rpcUrl, measurement: MEASUREMENT })).contracts
    const [p, j] = [aKeyedIdentity(), aKeyedIdentity()]
    await registerEnclave(clientsOf(1), { ...(await anEvidence(p, { contract: fresh })), ledger: fresh })
    await rekeyAs(fresh, p)
    await registerEnclave(clientsOf(1), { ...(await anEvidence(j, { contract: fresh })), ledger: fresh })
    const { epoch, rekeySeq } = await rekeyAs(fresh, p)
    const voiding = await answerAs(fresh, j, { epoch, rekeySeq, ack: false })
    const names = parseEventLogs({ abi: ledgerAbi, logs: voiding.logs }).map((l) => l.eventName)
    expect(names).toEqual(['RekeyAnswered', 'InputAppended', 'RekeyVoided'])
    expect((await readGroup(clientsOf(0).publicClient, { ledger: fresh })).members).toEqual([p.signer, j.signer])
    // p can still rekey j in.
    await rekeyAs(fresh, p, [j])
  })

  it('a membership change voids the pending rekey, in the contract as in every enclave', async () => {
    const { epoch, rekeySeq } = await rekeyAs(ledger, b)
    const d = aKeyedIdentity()
    const receipt = await admit(d)
    expect(parseEventLogs({ abi: ledgerAbi, logs: receipt.logs, eventName: 'RekeyVoided' })[0]!.args).toEqual({
      epoch,
      proposer: b.signer,
    })
    expect((await pendingRekey())[0]).toBe(0n)
    expect((await revertOfCall(answerAs(ledger, c, { epoch, rekeySeq, ack: true }))).errorName).toBe(
      'EpochNoPendingRekey',
    )
    // The voided proposal's member set is gone too; a fresh one for the same epoch is accepted.
    await rekeyAs(ledger, b, [c])
  })

  it('liveness: a rekey nobody answers is settled by anyone rekeyTimeoutBlocks blocks after it was posted, not before, and once', async () => {
    const { epoch, rekeySeq, receipt } = await rekeyAs(ledger, b)
    const timeout = await clientsOf(0).publicClient.readContract({ ...read(), functionName: 'rekeyTimeoutBlocks' })
    expect(timeout).toBe(5n)
    const settleableAt = receipt.blockNumber + timeout
    expect(await pendingRekey()).toEqual([epoch, rekeySeq, b.signer, 1, 0, settleableAt])
    // Inputs do not hurry it (an input-count timeout would let junk cut the members' window short): only blocks do.
    const junk = [new Uint8Array(312).fill(7)]
    for (let i = 0; i < 3; i++) await submitBatch(clientsOf(2).walletClient, { ledger, records: junk })
    // Calls run against the head block: one block short of the timeout is refused.
    await mineUntil(settleableAt - 1n)
    expect(await revertOfCall(settle(epoch, rekeySeq))).toEqual({
      errorName: 'EpochRekeyNotTimedOut',
      args: [epoch, rekeySeq, settleableAt],
    })
    // Nor does the timeout open the door to a second proposal: one rekey at a time, settled or voided.
    expect((await revertOfCall(post(await signedRekey(ledger, c)))).errorName).toBe('EpochRekeyPending')

    await mineUntil(settleableAt)
    const settled = await settle(epoch, rekeySeq)
    // About 75k: the input, and moving the pending epoch into the current one.
    expect(gasOf(settled)).toBeLessThan(80_000)
    const logs = parseEventLogs({ abi: ledgerAbi, logs: settled.logs })
    expect(logs.map((l) => l.eventName)).toEqual(['InputAppended', 'EpochRotated'])
    const [input] = parseEventLogs({ abi: ledgerAbi, logs: settled.logs, eventName: 'InputAppended' })
    expect(input!.args.kind).toBe(INPUT_KIND.rekeySettled)
    expect(input!.args.payload).toBe(encodeAbiParameters([{ type: 'uint64' }, { type: 'uint64' }], [epoch, rekeySeq]))
    expect((await currentEpoch())[0]).toBe(epoch)
    expect(await revertOfCall(settle(epoch, rekeySeq))).toEqual({
      errorName: 'EpochNoPendingRekey',
      args: [epoch, rekeySeq],
    })
  })

  it('error: a voided rekey, or one a majority of acks settled, cannot be settled on its timeout', async () => {
    const voided = await rekeyAs(ledger, b)
    await admit(aKeyedIdentity())
    await mineUntil(voided.receipt.blockNumber + 10n)
    expect((await revertOfCall(settle(voided.epoch, voided.rekeySeq))).errorName).toBe('EpochNoPendingRekey')

    // Two acks of four members are no majority: it stays pending until the newcomer is removed, which voids it.
    const members = await membersOf()
    expect(members).toHaveLength(4)
    const replacement = await rekeyAs(ledger, b, [c])
    expect((await pendingRekey())[0]).toBe(replacement.epoch)
    await removeEnclave(clientsOf(0), { ledger, signer: members.at(-1)! })
    await mineUntil(replacement.receipt.blockNumber + 10n)
    expect((await revertOfCall(settle(replacement.epoch, replacement.rekeySeq))).errorName).toBe('EpochNoPendingRekey')
    // The group recovers: with three members, proposer and one ack settle at once.
    const settled = await rekeyAs(ledger, b, [c])
    expect((await currentEpoch())[0]).toBe(settled.epoch)
    expect((await revertOfCall(settle(settled.epoch, settled.rekeySeq))).errorName).toBe('EpochNoPendingRekey')
  })
})

// Last in the file: these tests move the chain's clock, on a Ledger of their own.
describe('EnclaveRegistry expiry and re-attestation', () => {
  let ledger: Address
  const membersOf = async () => (await readGroup(clientsOf(0).publicClient, { ledger })).members
  const enclaveOf = (signer: Address) =>
    clientsOf(0).publicClient.readContract({
      address: ledger,
      abi: ledgerAbi,
      functionName: 'enclaveOf',
      args: [signer],
    })
  /** Registers `identity` on this describe's Ledger from account #1. */
  const admit = async (identity: { signer: Address; initKey: Hex }) =>
    registerEnclave(clientsOf(1), { ...(await anEvidence(identity, { contract: ledger })), ledger })
  /** Fresh evidence for `identity` on this Ledger, bound to `initKey` (its current key unless a test bends it). */
  const reattestation = async (identity: { signer: Address; initKey: Hex }, options: EvidenceOptions = {}) => {
    const { evidence, anchorBlock } = await anEvidence(identity, { contract: ledger, ...options })
    return { ledger, evidence, signer: identity.signer, anchorBlock }
  }

  beforeAll(async () => {
    ;({ ledger } = (await deployStack({ rpcUrl: anvil.rpcUrl, measurement: MEASUREMENT })).contracts)
  })

  it('error: removeExpired never removes the last member holding the epoch (RegistryLastEpochHolder), only the others', async () => {
    const [a, b, c] = [aKeyedIdentity(), aKeyedIdentity(), aKeyedIdentity()]
    for (const identity of [a, b])
      await registerEnclave(clientsOf(1), { ...(await anEvidence(identity, { contract: ledger })), ledger })
    await rekeyAs(ledger, a, [b])
    // Admitted after epoch 1 began: the rekey that made it sealed no share to C.
    await registerEnclave(clientsOf(1), { ...(await anEvidence(c, { contract: ledger })), ledger })
    await passTime(TTL + DAY)

    expect(await removeExpiredOn(ledger, c.signer)).toBeUndefined()
    expect(await removeExpiredOn(ledger, a.signer)).toBeUndefined()
    expect(await removeExpiredOn(ledger, b.signer)).toEqual({ errorName: 'RegistryLastEpochHolder', args: [b.signer] })
    expect(await membersOf()).toEqual([b.signer])
  })

  it('an expired member re-attests and stays; removeExpired then reverts RegistryNotExpired', async () => {
    const [b] = await membersOf()
    const identity = { signer: b!, initKey: (await enclaveOf(b!)).initKey }
    const receipt = await reattestEnclave(clientsOf(1), await reattestation(identity))
    const { timestamp } = await clientsOf(0).publicClient.getBlock({ blockNumber: receipt.blockNumber })
    const [event] = parseEventLogs({ abi: ledgerAbi, logs: receipt.logs, eventName: 'EnclaveReattested' })
    expect(event!.args).toEqual({ signer: b, expiresAt: timestamp + TTL, tcbStatus: TCB_STATUS.UpToDate })
    expect((await enclaveOf(b!)).expiresAt).toBe(timestamp + TTL)
    expect(await removeExpiredOn(ledger, b!)).toEqual({ errorName: 'RegistryNotExpired', args: [b, timestamp + TTL] })
  })

  it('a member re-attests before expiry: a full TTL from then, recorded as an input every enclave can verify', async () => {
    const identity = aKeyedIdentity()
    await admit(identity)
    await passTime(25n * DAY)
    const registration = await reattestation(identity)
    const receipt = await reattestEnclave(clientsOf(1), registration)
    const [input] = parseEventLogs({ abi: ledgerAbi, logs: receipt.logs, eventName: 'InputAppended' })
    expect(input!.args.kind).toBe(KIND_MEMBER_REATTESTED)
    const anchorHash = (await clientsOf(0).publicClient.getBlock({ blockNumber: registration.anchorBlock })).hash
    expect(decodeAbiParameters(REGISTRATION_PAYLOAD, input!.args.payload)).toEqual([
      identity.signer,
      accounts[1],
      identity.initKey,
      MEASUREMENT,
      TEE_TYPE_SIM,
      anchorHash,
      registration.evidence,
    ])
    // 35 days after it registered, it is still a member.
    await passTime(10n * DAY)
    expect(await removeExpiredOn(ledger, identity.signer)).toMatchObject({ errorName: 'RegistryNotExpired' })
    expect(await membersOf()).toContain(identity.signer)
  })

  it('error: only the operator re-attests (RegistryNotOperator), only a member (RegistryNotMember), with the same measurement (RegistryMeasurementChanged)', async () => {
    const identity = aKeyedIdentity()
    await admit(identity)
    const before = await enclaveOf(identity.signer)
    const fromOther = await anEvidence(identity, { contract: ledger, operator: accounts[2] })
    expect(await revertOfCall(reattestEnclave(clientsOf(2), { ...fromOther, ledger }))).toEqual({
      errorName: 'RegistryNotOperator',
      args: [identity.signer, accounts[2]],
    })
    const stranger = aKeyedIdentity()
    expect(await revertOfCall(reattestEnclave(clientsOf(1), await reattestation(stranger)))).toEqual({
      errorName: 'RegistryNotMember',
      args: [stranger.signer],
    })
    const upgrade = keccak256(toHex('the next build'))
    await allowMeasurement(clientsOf(0), { ledger, measurement: upgrade })
    expect(
      await revertOfCall(reattestEnclave(clientsOf(1), await reattestation(identity, { measurement: upgrade }))),
    ).toEqual({
      errorName: 'RegistryMeasurementChanged',
      args: [MEASUREMENT, upgrade],
    })
    expect(await enclaveOf(identity.signer)).toEqual(before)
  })

  it('error: re-attestation evidence that binds another init key than the registered one reverts RegistryBindingMismatch', async () => {
    const identity = aKeyedIdentity()
    await admit(identity)
    const stale = await reattestation({ ...identity, initKey: keccak256(toHex('an init key the chain does not list')) })
    expect((await revertOfCall(reattestEnclave(clientsOf(1), stale))).errorName).toBe('RegistryBindingMismatch')
  })

  it("updateInitKey records the old key and the member enclave's signature in its input", async () => {
    const identity = aKeyedIdentity()
    await admit(identity)
    const initKey = keccak256(toHex('a rotated init key'))
    const digest = await clientsOf(0).publicClient.readContract({
      address: ledger,
      abi: ledgerAbi,
      functionName: 'initKeyDigest',
      args: [identity.signer, identity.initKey, initKey],
    })
    const signature = serializeSignature(await sign({ hash: digest, privateKey: identity.key }))
    const receipt = await submitInitKeyUpdate(clientsOf(1), {
      ledger,
      update: { signer: identity.signer, initKey, signature },
    })
    const [input] = parseEventLogs({ abi: ledgerAbi, logs: receipt.logs, eventName: 'InputAppended' })
    expect(input!.args.kind).toBe(INPUT_KIND.initKeyUpdated)
    const payload = decodeAbiParameters(
      [{ type: 'address' }, { type: 'bytes32' }, { type: 'bytes32' }, { type: 'bytes' }],
      input!.args.payload,
    )
    expect(payload).toEqual([identity.signer, initKey, identity.initKey, signature])
  })
})

describe('SimAttestationVerifier', () => {
  it('reports what the off-chain verifier enclaves and wallets use reports, for the same evidence', async () => {
    const revoked = await createSimMachine({ tcbStatus: TCB_STATUS.Revoked })
    for (const options of [{}, { debug: true }, { machine: revoked }] satisfies EvidenceOptions[]) {
      const { evidence } = await anEvidence(anIdentity(), options)
      const onChain = await clientsOf(0).publicClient.readContract({
        address: deployment.contracts.verifier,
        abi: simAttestationVerifierAbi,
        functionName: 'verify',
        args: [evidence],
      })
      const offChain = verifySimEvidence(evidence, 31337n)
      expect(offChain.ok).toBe(true)
      expect({ teeType: TEE_TYPE_SIM, ...(offChain.ok ? offChain.claims : {}) }).toEqual(onChain)
    }
  })

  it('error: refuses to verify anything on a chain that is not a test chain', async () => {
    const mainnetLike = await startAnvil({ chainId: 5 })
    try {
      const [account] = await createWalletClient({ transport: http(mainnetLike.rpcUrl) }).getAddresses()
      const clients = createLedgerClients({
        rpcUrl: mainnetLike.rpcUrl,
        chainId: 5,
        account: account!,
        pollingIntervalMs: 50,
      })
      const verifier = await deploySimVerifier(clients)
      const error = await clients.publicClient
        .readContract({ address: verifier, abi: simAttestationVerifierAbi, functionName: 'verify', args: ['0x'] })
        .catch((e: unknown) => e)
      const revert = (error as BaseError).walk(
        (e) => e instanceof ContractFunctionRevertedError,
      ) as ContractFunctionRevertedError
      expect(revert.data).toMatchObject({ errorName: 'SimVerifierNotOnTestChain', args: [5n] })
    } finally {
      await mainnetLike.stop()
    }
  })
})
