/**
 * Divergence stops the line: two different checkpoints for one seq, each signed by an active member or the one the
 * Ledger accepted there, and both over the Ledger's own accumulator, pause command intake and checkpoints until
 * governance resumes; membership keeps working. Every weaker piece of evidence is refused with its named error and
 * changes nothing. The divergence and the resume enter the input stream.
 */
import {
  decodeAbiParameters,
  encodePacked,
  keccak256,
  parseEventLogs,
  toHex,
  zeroAddress,
  type Hex,
  type Log,
} from 'viem'
import { generatePrivateKey, privateKeyToAccount, type PrivateKeyAccount } from 'viem/accounts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ledgerAbi } from '../generated/ledger'
import {
  type Checkpoint,
  checkpointHash,
  DIVERGENCE_INPUT_PARAMETERS,
  RESUMED_INPUT_PARAMETERS,
} from '../../enclave-wasm/envelopes/checkpointTypes'
import { INPUT_KIND } from '../../enclave-wasm/protocol'
import { resumeLedger } from '../../host/ledger/governance'
import { readLedgerPause } from '../../host/ledger/readLedgerPause'
import { type DivergenceSide, reportDivergence } from '../../host/ledger/reportDivergence'
import { submitCheckpoint } from '../../host/ledger/submitCheckpoint'
import { RECORD_BYTES, SESSION_RECORD_BYTES } from '../../host/ledger/constants'
import { type CheckpointGroup, startCheckpointGroup } from './checkpointGroup'

let group: CheckpointGroup
const REPORTER = 5
/** Registered while the Ledger is paused; signs against the accepted checkpoint in the last test. */
let joiner: PrivateKeyAccount

/** `checkpoint` with its own state root, signed by `member`: one side of a divergence. */
async function signedSide(member: PrivateKeyAccount, checkpoint: Checkpoint) {
  const [signed] = await group.signedBy(checkpoint, member)
  return { checkpoint, signer: signed!.signer, signature: signed!.signature }
}
const withRoot = (checkpoint: Checkpoint, label: string): Checkpoint => ({
  ...checkpoint,
  stateRoot: keccak256(toHex(label)),
})
const report = (a: DivergenceSide, b: DivergenceSide) =>
  reportDivergence(group.clientsOf(REPORTER), { ledger: group.ledger, a, b })
/** Simulates a Ledger call from account `from` (a refusal throws its custom error). */
const simulate = (from: number, call: { functionName: 'submit' | 'submitSessions'; args: readonly [Hex] }) =>
  group.clientsOf(from).publicClient.simulateContract({
    address: group.ledger,
    abi: ledgerAbi,
    account: group.accounts[from]!,
    ...call,
  })
const sealedBatch = { functionName: 'submit', args: [toHex(new Uint8Array(RECORD_BYTES))] } as const
const sessionBatch = { functionName: 'submitSessions', args: [toHex(new Uint8Array(SESSION_RECORD_BYTES))] } as const

/** The one input `logs` appended, checked to continue the stream: kind, seq and the accumulator from the one before. */
async function appendedInput(logs: Log[], kind: number) {
  const [input] = parseEventLogs({ abi: ledgerAbi, logs, eventName: 'InputAppended' })
  const { seq, payload, acc } = input!.args
  expect(input!.args.kind).toBe(kind)
  expect(await group.read.seq()).toBe(seq)
  const previous = await group.read.accAt(seq - 1n)
  expect(acc).toBe(
    keccak256(encodePacked(['bytes32', 'uint64', 'uint8', 'bytes32'], [previous, seq, kind, keccak256(payload)])),
  )
  return payload
}

beforeAll(async () => {
  group = await startCheckpointGroup()
}, 60_000)
afterAll(async () => group?.anvil.stop())

describe('Divergence', () => {
  it('error: checkpoints for two different seqs revert DivergenceSeqMismatch', async () => {
    const { aCheckpoint, refusal, members, read } = group
    const seq = await read.seq()
    const a = await signedSide(members.a, await aCheckpoint())
    const b = await signedSide(members.c, await aCheckpoint({ seq: seq - 1n }))
    expect(await refusal(() => report(a, b))).toEqual({ errorName: 'DivergenceSeqMismatch', args: [seq, seq - 1n] })
  })

  it('error: the same checkpoint twice reverts DivergenceNotConflicting', async () => {
    const { aCheckpoint, refusal, members } = group
    const checkpoint = await aCheckpoint()
    const result = await refusal(async () =>
      report(await signedSide(members.a, checkpoint), await signedSide(members.c, checkpoint)),
    )
    expect(result).toEqual({ errorName: 'DivergenceNotConflicting', args: [checkpointHash(checkpoint)] })
  })

  it("error: a side over another accumulator than the Ledger's reverts DivergenceAccumulatorMismatch", async () => {
    // What a host gets from its own enclave after feeding it a made-up stream: a real member's signature, another acc.
    const { aCheckpoint, refusal, members, read } = group
    const honest = await aCheckpoint()
    const fed = await aCheckpoint({ acc: keccak256(toHex('a stream the host made up')) })
    const result = await refusal(async () =>
      report(await signedSide(members.a, honest), await signedSide(members.c, fed)),
    )
    expect(result).toEqual({
      errorName: 'DivergenceAccumulatorMismatch',
      args: [await read.accAt(honest.seq), fed.acc],
    })
  })

  it('error: a side signed by a key that is no member reverts DivergenceSignerNotMember', async () => {
    const { aCheckpoint, refusal, members } = group
    const stranger = privateKeyToAccount(generatePrivateKey())
    const checkpoint = await aCheckpoint()
    const result = await refusal(async () =>
      report(await signedSide(members.a, checkpoint), await signedSide(stranger, withRoot(checkpoint, 'stranger'))),
    )
    expect(result).toEqual({ errorName: 'DivergenceSignerNotMember', args: [stranger.address] })
  })

  it("error: a member named with someone else's signature reverts EnclaveSignatureInvalid", async () => {
    const { aCheckpoint, refusal, members } = group
    const stranger = privateKeyToAccount(generatePrivateKey())
    const checkpoint = await aCheckpoint()
    const forged = await signedSide(stranger, withRoot(checkpoint, 'forged'))
    const result = await refusal(async () =>
      report(await signedSide(members.a, checkpoint), { ...forged, signer: members.c.address }),
    )
    expect(result).toEqual({ errorName: 'EnclaveSignatureInvalid', args: [members.c.address, stranger.address] })
  })

  it('error: a side claimed accepted that the Ledger did not accept reverts DivergenceNotAccepted', async () => {
    const { aCheckpoint, refusal, members } = group
    const checkpoint = await aCheckpoint()
    const claimed = withRoot(checkpoint, 'never accepted')
    const result = await refusal(async () => report(await signedSide(members.a, checkpoint), { checkpoint: claimed }))
    expect(result).toEqual({ errorName: 'DivergenceNotAccepted', args: [claimed.seq, checkpointHash(claimed)] })
  })

  it('two members signing different state roots for one seq pause submit, submitSessions and checkpoint', async ({
    annotate,
  }) => {
    const { aCheckpoint, refusal, members, signedBy, ledger, clientsOf } = group
    const checkpoint = await aCheckpoint()
    const a = await signedSide(members.a, checkpoint)
    const b = await signedSide(members.c, withRoot(checkpoint, 'the other replica'))
    const receipt = await report(a, b)
    await annotate(`reportDivergence of two signed sides: ${receipt.gasUsed} gas`)

    const hashA = checkpointHash(a.checkpoint)
    const hashB = checkpointHash(b.checkpoint)
    const [recorded] = parseEventLogs({ abi: ledgerAbi, logs: receipt.logs, eventName: 'DivergenceRecorded' })
    expect(recorded!.args).toEqual({
      seq: checkpoint.seq,
      checkpointHashA: hashA,
      checkpointHashB: hashB,
      signerA: members.a.address,
      signerB: members.c.address,
    })
    const payload = await appendedInput(receipt.logs, INPUT_KIND.divergence)
    expect(decodeAbiParameters(DIVERGENCE_INPUT_PARAMETERS, payload)).toEqual([checkpoint.seq, hashA, hashB])
    expect(await readLedgerPause(clientsOf(0).publicClient, { ledger })).toEqual({ paused: true, seq: checkpoint.seq })

    const paused = { errorName: 'LedgerPaused', args: [checkpoint.seq] }
    expect(await refusal(() => simulate(REPORTER, sealedBatch))).toEqual(paused)
    expect(await refusal(() => simulate(REPORTER, sessionBatch))).toEqual(paused)
    const next = await aCheckpoint()
    const signatures = await signedBy(next, members.a, members.c)
    expect(
      await refusal(() => submitCheckpoint(clientsOf(REPORTER), { ledger, checkpoint: next, signatures })),
    ).toEqual(paused)
  })

  it('error: a second report while paused reverts DivergenceAlreadyRecorded', async () => {
    const { aCheckpoint, refusal, members, read } = group
    const { seq: divergentSeq } = await readLedgerPause(group.clientsOf(0).publicClient, { ledger: group.ledger })
    const checkpoint = await aCheckpoint()
    const result = await refusal(async () =>
      report(await signedSide(members.a, checkpoint), await signedSide(members.c, withRoot(checkpoint, 'again'))),
    )
    expect(result).toEqual({ errorName: 'DivergenceAlreadyRecorded', args: [divergentSeq] })
    expect(await read.paused()).toEqual([true, divergentSeq])
  })

  it('membership keeps working while paused: a new member registers', async () => {
    const { register, read, clientsOf, ledger } = group
    const seq = await read.seq()
    joiner = await register(2)
    expect(await read.seq()).toBe(seq + 1n)
    const isActive = await clientsOf(0).publicClient.readContract({
      address: ledger,
      abi: ledgerAbi,
      functionName: 'isActive',
      args: [joiner.address],
    })
    expect(isActive).toBe(true)
  })

  it('error: anyone but the governor is refused resume (AccessControlUnauthorizedAccount)', async () => {
    const { refusal, clientsOf, ledger, accounts } = group
    const result = await refusal(() => resumeLedger(clientsOf(REPORTER), { ledger }))
    expect(result.errorName).toBe('AccessControlUnauthorizedAccount')
    expect(result.args?.[0]).toBe(accounts[REPORTER])
  })

  it('governance resumes: KIND_RESUMED enters the stream and intake re-opens', async ({ annotate }) => {
    const { clientsOf, ledger, read, refusal } = group
    const [, divergentSeq] = await read.paused()
    const receipt = await resumeLedger(clientsOf(0), { ledger })
    await annotate(`resume: ${receipt.gasUsed} gas`)
    const [resumed] = parseEventLogs({ abi: ledgerAbi, logs: receipt.logs, eventName: 'Resumed' })
    expect(resumed!.args).toEqual({ divergentSeq })
    const payload = await appendedInput(receipt.logs, INPUT_KIND.resumed)
    expect(decodeAbiParameters(RESUMED_INPUT_PARAMETERS, payload)).toEqual([divergentSeq])
    expect(await readLedgerPause(clientsOf(0).publicClient, { ledger })).toEqual({ paused: false, seq: 0n })

    const seq = await read.seq()
    await simulate(REPORTER, sessionBatch)
    const { walletClient, publicClient } = clientsOf(REPORTER)
    const { request } = await simulate(REPORTER, sealedBatch)
    await publicClient.waitForTransactionReceipt({ hash: await walletClient.writeContract(request) })
    expect(await read.seq()).toBe(seq + 1n)
    expect(await refusal(() => resumeLedger(clientsOf(0), { ledger }))).toEqual({
      errorName: 'LedgerNotPaused',
      args: undefined,
    })
  })

  it('a member signing another root than the accepted checkpoint pauses the Ledger too', async () => {
    // Four members now: a, b and c accept (3 of 4), the joiner signs another root for the same seq.
    const { aCheckpoint, signedBy, members, clientsOf, ledger, read } = group
    const accepted = await aCheckpoint()
    await submitCheckpoint(clientsOf(REPORTER), {
      ledger,
      checkpoint: accepted,
      signatures: await signedBy(accepted, members.a, members.b, members.c),
    })
    const receipt = await report({ checkpoint: accepted }, await signedSide(joiner, withRoot(accepted, 'the joiner')))
    const [recorded] = parseEventLogs({ abi: ledgerAbi, logs: receipt.logs, eventName: 'DivergenceRecorded' })
    expect(recorded!.args).toMatchObject({ seq: accepted.seq, signerA: zeroAddress, signerB: joiner.address })
    expect(await read.paused()).toEqual([true, accepted.seq])
  })
})
