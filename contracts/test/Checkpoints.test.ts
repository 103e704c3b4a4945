/**
 * Checkpoints as an attacker meets them: a majority of the active members, of two operators where two exist, over
 * the Ledger's own accumulator at a newer position; anything less is refused with its named error and changes nothing.
 * Members are registered with sim evidence for signer keys the test holds, so it can sign as each of them.
 */
import {
  BaseError,
  ContractFunctionRevertedError,
  createWalletClient,
  encodeAbiParameters,
  hashTypedData,
  http,
  keccak256,
  parseEventLogs,
  toHex,
  type Address,
  type Hex,
} from 'viem'
import { generatePrivateKey, privateKeyToAccount, type PrivateKeyAccount } from 'viem/accounts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ledgerAbi } from '../generated/ledger'
import { commandDomain } from '../../enclave-wasm/envelopes/commandEnvelope'
import { CHECKPOINT_TYPES, type Checkpoint } from '../../enclave-wasm/envelopes/checkpointTypes'
import { createSimMachine } from '../../enclave-wasm/platform/sim/createSimPlatform'
import { createLedgerClients } from '../../host/chain/createLedgerClients'
import { startAnvil, type Anvil } from '../../host/chain/startAnvil'
import { deployStack } from '../../host/deployment/deployStack'
import type { Deployment } from '../../host/deployment/parseDeployment'
import type { LedgerClients } from '../../host/ledger/confirmTransaction'
import { removeEnclave } from '../../host/ledger/governance'
import { registerEnclave } from '../../host/ledger/registerEnclave'
import { submitCheckpoint } from '../../host/ledger/submitCheckpoint'
import { buildContracts } from '../build'
import { simEvidence } from './simEvidence'

const MEASUREMENT: Hex = keccak256(toHex('anonify test enclave'))
const ZERO: Hex = `0x${'00'.repeat(32)}`

let anvil: Anvil
let deployment: Deployment
let accounts: Address[]
const clientsOf = (index: number): LedgerClients =>
  createLedgerClients({ rpcUrl: anvil.rpcUrl, chainId: 31337, account: accounts[index]!, pollingIntervalMs: 50 })

type Member = PrivateKeyAccount & { operator: number }
/** Operator 1 runs a and b, operator 2 runs c. */
const members: Record<'a' | 'b' | 'c', Member> = {} as never

async function register(operator: number): Promise<Member> {
  const account = privateKeyToAccount(generatePrivateKey())
  const { publicClient } = clientsOf(0)
  const registration = await simEvidence({
    publicClient,
    machine: await createSimMachine(),
    ledger: deployment.contracts.ledger,
    operator: accounts[operator]!,
    measurement: MEASUREMENT,
    signer: account.address,
    initKey: keccak256(toHex(`init ${account.address}`)),
  })
  await registerEnclave(clientsOf(operator), registration)
  return Object.assign(account, { operator })
}

const read = {
  seq: () =>
    clientsOf(0).publicClient.readContract({
      address: deployment.contracts.ledger,
      abi: ledgerAbi,
      functionName: 'seq',
    }),
  latestCheckpointSeq: () =>
    clientsOf(0).publicClient.readContract({
      address: deployment.contracts.ledger,
      abi: ledgerAbi,
      functionName: 'latestCheckpointSeq',
    }),
  hashAt: (seq: bigint) =>
    clientsOf(0).publicClient.readContract({
      address: deployment.contracts.ledger,
      abi: ledgerAbi,
      functionName: 'checkpointHashAt',
      args: [seq],
    }),
}
const accAt = (seq: bigint) =>
  clientsOf(0).publicClient.readContract({
    address: deployment.contracts.ledger,
    abi: ledgerAbi,
    functionName: 'accumulatorAt',
    args: [seq],
  })

/** A checkpoint of the stream as it stands, with recognisable roots. */
async function aCheckpoint(overrides: Partial<Checkpoint> = {}): Promise<Checkpoint> {
  const seq = overrides.seq ?? (await read.seq())
  return {
    seq,
    acc: overrides.acc ?? (await accAt(seq)),
    stateRoot: keccak256(toHex(`state ${seq}`)),
    snapshotHash: keccak256(toHex(`snapshot ${seq}`)),
    withdrawalRoot: ZERO,
    auditRoot: ZERO,
    ...overrides,
  }
}

const typedData = (checkpoint: Checkpoint) => ({
  domain: commandDomain(31337n, deployment.contracts.ledger),
  types: CHECKPOINT_TYPES,
  primaryType: 'Checkpoint' as const,
  message: checkpoint,
})
const signedBy = async (checkpoint: Checkpoint, ...signers: PrivateKeyAccount[]) =>
  Promise.all(
    signers.map(async (signer) => ({
      signer: signer.address,
      signature: await signer.signTypedData(typedData(checkpoint)),
    })),
  )

/** Submits and returns the revert's name and args, checking the latest checkpoint did not move. */
async function refusal(submit: () => Promise<unknown>) {
  const before = await read.latestCheckpointSeq()
  const error = await submit().then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(BaseError)
  const revert = (error as BaseError).walk(
    (e) => e instanceof ContractFunctionRevertedError,
  ) as ContractFunctionRevertedError
  expect(await read.latestCheckpointSeq()).toEqual(before)
  return { errorName: revert.data?.errorName, args: revert.data?.args }
}
const submit = async (checkpoint: Checkpoint, signatures: Awaited<ReturnType<typeof signedBy>>) =>
  submitCheckpoint(clientsOf(5), { ledger: deployment.contracts.ledger, checkpoint, signatures })

beforeAll(async () => {
  await buildContracts()
  anvil = await startAnvil()
  deployment = await deployStack({ rpcUrl: anvil.rpcUrl, measurement: MEASUREMENT })
  accounts = await createWalletClient({ transport: http(anvil.rpcUrl) }).getAddresses()
  members.a = await register(1)
  members.b = await register(1)
  members.c = await register(2)
}, 60_000)
afterAll(async () => anvil?.stop())

describe('Checkpoints', () => {
  it("signs the same EIP-712 digest viem computes for the members' typed data", async () => {
    const checkpoint = await aCheckpoint()
    const digest = await clientsOf(0).publicClient.readContract({
      address: deployment.contracts.ledger,
      abi: ledgerAbi,
      functionName: 'checkpointDigest',
      args: [checkpoint],
    })
    expect(digest).toBe(hashTypedData(typedData(checkpoint)))
  })

  it('error: one signature of three members reverts CheckpointTooFewSignatures', async () => {
    const checkpoint = await aCheckpoint()
    expect(await refusal(async () => submit(checkpoint, await signedBy(checkpoint, members.c)))).toEqual({
      errorName: 'CheckpointTooFewSignatures',
      args: [1n, 2n],
    })
  })

  it('error: a majority from one operator while another has members reverts CheckpointSingleOperator', async () => {
    const checkpoint = await aCheckpoint()
    expect(await refusal(async () => submit(checkpoint, await signedBy(checkpoint, members.a, members.b)))).toEqual({
      errorName: 'CheckpointSingleOperator',
      args: [accounts[1]],
    })
  })

  it("error: an accumulator other than the Ledger's at that position reverts CheckpointAccumulatorMismatch", async () => {
    const checkpoint = await aCheckpoint({ acc: keccak256(toHex('a forked history')) })
    const result = await refusal(async () => submit(checkpoint, await signedBy(checkpoint, members.a, members.c)))
    expect(result).toEqual({
      errorName: 'CheckpointAccumulatorMismatch',
      args: [await accAt(checkpoint.seq), checkpoint.acc],
    })
  })

  it('error: a signature by a key that is not the named member reverts EnclaveSignatureInvalid', async () => {
    const checkpoint = await aCheckpoint()
    const stranger = privateKeyToAccount(generatePrivateKey())
    const [forged] = await signedBy(checkpoint, stranger)
    const signatures = [
      { signer: members.c.address, signature: forged!.signature },
      ...(await signedBy(checkpoint, members.a)),
    ]
    expect((await refusal(async () => submit(checkpoint, signatures))).errorName).toBe('EnclaveSignatureInvalid')
  })

  it('error: a signer listed twice reverts CheckpointSignersNotAscending (one member cannot count twice)', async () => {
    const checkpoint = await aCheckpoint()
    const [signature] = await signedBy(checkpoint, members.c)
    const { publicClient } = clientsOf(5)
    const result = await refusal(() =>
      publicClient.simulateContract({
        address: deployment.contracts.ledger,
        abi: ledgerAbi,
        functionName: 'checkpoint',
        args: [checkpoint, [members.c.address, members.c.address], [signature!.signature, signature!.signature]],
        account: accounts[5]!,
      }),
    )
    expect(result).toEqual({ errorName: 'CheckpointSignersNotAscending', args: [1n] })
  })

  it('error: a position the stream has not reached reverts CheckpointBeyondStream', async () => {
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
    const checkpoint = await aCheckpoint()
    const receipt = await submit(checkpoint, await signedBy(checkpoint, members.c, members.a))
    expect(await read.latestCheckpointSeq()).toBe(checkpoint.seq)
    expect(await read.hashAt(checkpoint.seq)).toBe(
      keccak256(encodeAbiParameters([{ type: 'tuple', components: CHECKPOINT_TYPES.Checkpoint }], [checkpoint])),
    )
    const [accepted] = parseEventLogs({ abi: ledgerAbi, logs: receipt.logs, eventName: 'CheckpointAccepted' })
    expect(accepted!.args).toMatchObject({ seq: checkpoint.seq, checkpoint })
    expect(new Set(accepted!.args.signers)).toEqual(new Set([members.a.address, members.c.address]))
    await annotate(`checkpoint with 2 signatures: ${receipt.gasUsed} gas`)

    const again = await aCheckpoint({ stateRoot: keccak256(toHex('another root')) })
    expect(await refusal(async () => submit(again, await signedBy(again, members.a, members.c)))).toEqual({
      errorName: 'CheckpointNotNewer',
      args: [checkpoint.seq, checkpoint.seq],
    })
  })

  it("error: a removed member's signature reverts CheckpointSignerNotMember", async () => {
    await removeEnclave(clientsOf(0), { ledger: deployment.contracts.ledger, signer: members.c.address })
    const checkpoint = await aCheckpoint()
    expect(await refusal(async () => submit(checkpoint, await signedBy(checkpoint, members.a, members.c)))).toEqual({
      errorName: 'CheckpointSignerNotMember',
      args: [members.c.address],
    })
    // The two left are both operator 1's, now the only operator with members: their majority suffices.
    await submit(checkpoint, await signedBy(checkpoint, members.a, members.b))
    expect(await read.latestCheckpointSeq()).toBe(checkpoint.seq)
  })
})
