/**
 * Checkpoints as an attacker meets them: a majority of the active members, of two operators where two exist, over
 * the Ledger's own accumulator at a newer position; anything less is refused with its named error and changes nothing.
 * An accepted one enters the input stream with its signatures. Members are registered with sim evidence for signer
 * keys the test holds, so it can sign as each of them.
 */
import { decodeAbiParameters, encodePacked, hashTypedData, keccak256, parseEventLogs, toHex, type Hex } from 'viem'
import { generatePrivateKey, privateKeyToAccount, type PrivateKeyAccount } from 'viem/accounts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ledgerAbi } from '../generated/ledger'
import {
  CHECKPOINT_INPUT_PARAMETERS,
  type Checkpoint,
  checkpointHash,
} from '../../enclave-wasm/envelopes/checkpointTypes'
import { INPUT_KIND } from '../../enclave-wasm/protocol'
import { removeEnclave } from '../../host/ledger/governance'
import { submitCheckpoint } from '../../host/ledger/submitCheckpoint'
import { type CheckpointGroup, startCheckpointGroup, ZERO } from './checkpointGroup'

let group: CheckpointGroup
const submit = async (checkpoint: Checkpoint, signatures: Awaited<ReturnType<CheckpointGroup['signedBy']>>) =>
  submitCheckpoint(group.clientsOf(5), { ledger: group.ledger, checkpoint, signatures })

beforeAll(async () => {
  group = await startCheckpointGroup()
}, 60_000)
afterAll(async () => group?.anvil.stop())

describe('Checkpoints', () => {
  it("signs the same EIP-712 digest viem computes for the members' typed data", async () => {
    const checkpoint = await group.aCheckpoint()
    const digest = await group.clientsOf(0).publicClient.readContract({
      address: group.ledger,
      abi: ledgerAbi,
      functionName: 'checkpointDigest',
      args: [checkpoint],
    })
    expect(digest).toBe(hashTypedData(group.typedData(checkpoint)))
  })

  it('error: one signature of three members reverts CheckpointTooFewSignatures', async () => {
    const { aCheckpoint, refusal, signedBy, members } = group
    const checkpoint = await aCheckpoint()
    expect(await refusal(async () => submit(checkpoint, await signedBy(checkpoint, members.c)))).toEqual({
      errorName: 'CheckpointTooFewSignatures',
      args: [1n, 2n],
    })
  })

  it('error: a majority from one operator while another has members reverts CheckpointSingleOperator', async () => {
    const { aCheckpoint, refusal, signedBy, members, accounts } = group
    const checkpoint = await aCheckpoint()
    expect(await refusal(async () => submit(checkpoint, await signedBy(checkpoint, members.a, members.b)))).toEqual({
      errorName: 'CheckpointSingleOperator',
      args: [accounts[1]],
    })
  })

  it("error: an accumulator other than the Ledger's at that position reverts CheckpointAccumulatorMismatch", async () => {
    const { aCheckpoint, refusal, signedBy, members, read } = group
    const checkpoint = await aCheckpoint({ acc: keccak256(toHex('a forked history')) })
    const result = await refusal(async () => submit(checkpoint, await signedBy(checkpoint, members.a, members.c)))
    expect(result).toEqual({
      errorName: 'CheckpointAccumulatorMismatch',
      args: [await read.accAt(checkpoint.seq), checkpoint.acc],
    })
  })

  it('error: a signature by a key that is not the named member reverts EnclaveSignatureInvalid', async () => {
    const { aCheckpoint, refusal, signedBy, members } = group
    const checkpoint = await aCheckpoint()
    const stranger = privateKeyToAccount(generatePrivateKey())
    const [forged] = await signedBy(checkpoint, stranger)
    const signatures = [
      { signer: members.c.address, signature: forged!.signature },
      ...(await signedBy(checkpoint, members.a)),
    ]
    expect(await refusal(async () => submit(checkpoint, signatures))).toEqual({
      errorName: 'EnclaveSignatureInvalid',
      args: [members.c.address, stranger.address],
    })
  })

  it('error: a signer listed twice reverts CheckpointSignersNotAscending (one member cannot count twice)', async () => {
    const { aCheckpoint, refusal, signedBy, members, accounts, ledger, clientsOf } = group
    const checkpoint = await aCheckpoint()
    const [signature] = await signedBy(checkpoint, members.c)
    const { publicClient } = clientsOf(5)
    const result = await refusal(() =>
      publicClient.simulateContract({
        address: ledger,
        abi: ledgerAbi,
        functionName: 'checkpoint',
        args: [checkpoint, [members.c.address, members.c.address], [signature!.signature, signature!.signature]],
        account: accounts[5]!,
      }),
    )
    expect(result).toEqual({ errorName: 'CheckpointSignersNotAscending', args: [1n] })
  })

  it('error: a position the stream has not reached reverts CheckpointBeyondStream', async () => {
    const { aCheckpoint, refusal, signedBy, members, read } = group
    const seq = await read.seq()
    const checkpoint = await aCheckpoint({ seq: seq + 1n, acc: ZERO })
    expect(await refusal(async () => submit(checkpoint, await signedBy(checkpoint, members.a, members.c)))).toEqual({
      errorName: 'CheckpointBeyondStream',
      args: [seq, seq + 1n],
    })
  })

  it('accepts a majority of two operators over the current position, then refuses that position again', async ({
    annotate,
  }) => {
    const { aCheckpoint, refusal, signedBy, members, read } = group
    const checkpoint = await aCheckpoint()
    const receipt = await submit(checkpoint, await signedBy(checkpoint, members.c, members.a))
    expect(await read.latestCheckpointSeq()).toBe(checkpoint.seq)
    expect(await read.hashAt(checkpoint.seq)).toBe(checkpointHash(checkpoint))
    const [accepted] = parseEventLogs({ abi: ledgerAbi, logs: receipt.logs, eventName: 'CheckpointAccepted' })
    expect(accepted!.args).toMatchObject({ seq: checkpoint.seq, checkpoint })
    expect(new Set(accepted!.args.signers)).toEqual(new Set([members.a.address, members.c.address]))
    await annotate(`checkpoint with 2 signatures: ${receipt.gasUsed} gas`)

    const again = await aCheckpoint({ seq: checkpoint.seq, stateRoot: keccak256(toHex('another root')) })
    expect(await refusal(async () => submit(again, await signedBy(again, members.a, members.c)))).toEqual({
      errorName: 'CheckpointNotNewer',
      args: [checkpoint.seq, checkpoint.seq],
    })
  })

  it('an accepted checkpoint is the next input: KIND_CHECKPOINT with the checkpoint, signers and signatures', async () => {
    const { aCheckpoint, signedBy, members, read } = group
    const checkpoint = await aCheckpoint()
    const signatures = await signedBy(checkpoint, members.a, members.c)
    const receipt = await submit(checkpoint, signatures)
    const [input] = parseEventLogs({ abi: ledgerAbi, logs: receipt.logs, eventName: 'InputAppended' })
    expect(input!.args).toMatchObject({ seq: checkpoint.seq + 1n, kind: INPUT_KIND.checkpoint })
    const [decoded, signers, signed] = decodeAbiParameters(CHECKPOINT_INPUT_PARAMETERS, input!.args.payload)
    expect(decoded).toEqual(checkpoint)
    const ascending = [...signatures].sort((x, y) => (BigInt(x.signer) < BigInt(y.signer) ? -1 : 1))
    expect(signers).toEqual(ascending.map((s) => s.signer))
    expect(signed).toEqual(ascending.map((s) => s.signature))
    // The accumulator folds it in like any input, from the checkpoint's own acc.
    const acc = keccak256(
      encodePacked(
        ['bytes32', 'uint64', 'uint8', 'bytes32'],
        [checkpoint.acc, checkpoint.seq + 1n, INPUT_KIND.checkpoint, keccak256(input!.args.payload)],
      ),
    )
    expect(input!.args.acc).toBe(acc)
    expect(await read.accAt(checkpoint.seq + 1n)).toBe(acc)
    expect(await read.seq()).toBe(checkpoint.seq + 1n)
  })

  it("error: a removed member's signature reverts CheckpointSignerNotMember", async () => {
    const { aCheckpoint, refusal, signedBy, members, read, ledger, clientsOf } = group
    await removeEnclave(clientsOf(0), { ledger, signer: members.c.address })
    const checkpoint = await aCheckpoint()
    expect(await refusal(async () => submit(checkpoint, await signedBy(checkpoint, members.a, members.c)))).toEqual({
      errorName: 'CheckpointSignerNotMember',
      args: [members.c.address],
    })
    // The two left are both operator 1's, now the only operator with members: their majority suffices.
    await submit(checkpoint, await signedBy(checkpoint, members.a, members.b))
    expect(await read.latestCheckpointSeq()).toBe(checkpoint.seq)
  })

  it('counts the majority and the operators over the members holding the epoch: joiners it has not admitted do not stall it', async () => {
    const { aCheckpoint, refusal, signedBy, members, read, register } = group
    const c2 = await register(2)
    await keyEpoch(members.a, [members.b])
    // Two joiners (operator 3) the epoch has not admitted: five members, three holders (a, b of operator 1, c2).
    await register(3)
    await register(3)
    const checkpoint = await aCheckpoint()
    // Counted over all members, 2 of 5 would be too few; over the holders it is a majority.
    expect(await refusal(async () => submit(checkpoint, await signedBy(checkpoint, members.a, members.b)))).toEqual({
      errorName: 'CheckpointSingleOperator',
      args: [group.accounts[1]],
    })
    await submit(checkpoint, await signedBy(checkpoint, members.a, c2))
    expect(await read.latestCheckpointSeq()).toBe(checkpoint.seq)
  })
})

/** Settles a rekey to the next epoch for the members as they are: `proposer` proposes, each of `ackers` acks. */
async function keyEpoch(proposer: PrivateKeyAccount, ackers: PrivateKeyAccount[]) {
  const { clientsOf, ledger, read } = group
  const { publicClient, walletClient } = clientsOf(5)
  const view = { address: ledger, abi: ledgerAbi } as const
  const [[epoch], setHash, members, atSeq] = await Promise.all([
    publicClient.readContract({ ...view, functionName: 'currentEpoch' }),
    publicClient.readContract({ ...view, functionName: 'memberSetHash' }),
    publicClient.readContract({ ...view, functionName: 'members' }),
    read.seq(),
  ])
  const next = epoch + 1n
  const [cmdPubKey, commit] = [keccak256(toHex(`cmd ${next}`)), keccak256(toHex(`commit ${next}`))]
  const shares: Hex[] = members.map((m) => toHex(new Uint8Array(80).fill(Number(BigInt(m) % 256n))))
  const digest = await publicClient.readContract({
    ...view,
    functionName: 'rekeyDigest',
    args: [next, atSeq, setHash, cmdPubKey, commit, shares],
  })
  const send = async (request: Parameters<typeof walletClient.writeContract>[0]) =>
    publicClient.waitForTransactionReceipt({ hash: await walletClient.writeContract(request) })
  const receipt = await send({
    ...view,
    functionName: 'rekey',
    args: [next, atSeq, setHash, cmdPubKey, commit, shares, proposer.address, await proposer.sign({ hash: digest })],
  } as never)
  const [proposed] = parseEventLogs({ abi: ledgerAbi, logs: receipt.logs, eventName: 'RekeyProposed' })
  for (const acker of ackers) {
    const answer = await publicClient.readContract({
      ...view,
      functionName: 'rekeyAnswerDigest',
      args: [next, proposed!.args.rekeySeq, acker.address, true],
    })
    await send({
      ...view,
      functionName: 'acknowledgeRekey',
      args: [next, proposed!.args.rekeySeq, acker.address, await acker.sign({ hash: answer })],
    } as never)
  }
  expect((await publicClient.readContract({ ...view, functionName: 'currentEpoch' }))[0]).toBe(next)
}
