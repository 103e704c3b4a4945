/**
 * A fresh Ledger with three members whose signer keys the test holds (sim evidence), so it can sign checkpoints as
 * each of them: operator 1 runs a and b, operator 2 runs c. Shared by the checkpoint and divergence tests.
 */
import { BaseError, ContractFunctionRevertedError, createWalletClient, http, keccak256, toHex, type Hex } from 'viem'
import { generatePrivateKey, privateKeyToAccount, type PrivateKeyAccount } from 'viem/accounts'
import { expect } from 'vitest'
import { ledgerAbi } from '../generated/ledger'
import { type Checkpoint, checkpointTypedData } from '../../enclave-wasm/envelopes/checkpointTypes'
import { createSimMachine } from '../../enclave-wasm/platform/sim/createSimPlatform'
import { createLedgerClients } from '../../host/chain/createLedgerClients'
import { startAnvil, type Anvil } from '../../host/chain/startAnvil'
import { deployStack } from '../../host/deployment/deployStack'
import type { Deployment } from '../../host/deployment/parseDeployment'
import { simEvidence } from '../../host/enclave/simEvidence'
import type { LedgerClients } from '../../host/ledger/confirmTransaction'
import { registerEnclave } from '../../host/ledger/registerEnclave'
import { buildContracts } from '../build'

const MEASUREMENT: Hex = keccak256(toHex('anonify test enclave'))
/** The zero root (withdrawals and audits have none yet). */
export const ZERO: Hex = `0x${'00'.repeat(32)}`

/** A member's signer key, with the index of the account that operates it. */
export type Member = PrivateKeyAccount & { operator: number }
/** What startCheckpointGroup returns. */
export type CheckpointGroup = Awaited<ReturnType<typeof startCheckpointGroup>>

/** Starts anvil, deploys and registers members a, b (operator 1) and c (operator 2). Stop it with `anvil.stop()`. */
export async function startCheckpointGroup() {
  await buildContracts()
  const anvil: Anvil = await startAnvil()
  const deployment: Deployment = await deployStack({ rpcUrl: anvil.rpcUrl, measurement: MEASUREMENT })
  const ledger = deployment.contracts.ledger
  const accounts = await createWalletClient({ transport: http(anvil.rpcUrl) }).getAddresses()
  const clientsOf = (index: number): LedgerClients =>
    createLedgerClients({ rpcUrl: anvil.rpcUrl, chainId: 31337, account: accounts[index]!, pollingIntervalMs: 50 })
  const { publicClient } = clientsOf(0)

  const read = {
    seq: () => publicClient.readContract({ address: ledger, abi: ledgerAbi, functionName: 'seq' }),
    accAt: (seq: bigint) =>
      publicClient.readContract({ address: ledger, abi: ledgerAbi, functionName: 'accumulatorAt', args: [seq] }),
    latestCheckpointSeq: () =>
      publicClient.readContract({ address: ledger, abi: ledgerAbi, functionName: 'latestCheckpointSeq' }),
    hashAt: (seq: bigint) =>
      publicClient.readContract({ address: ledger, abi: ledgerAbi, functionName: 'checkpointHashAt', args: [seq] }),
    paused: () => publicClient.readContract({ address: ledger, abi: ledgerAbi, functionName: 'paused' }),
  }

  async function register(operator: number): Promise<Member> {
    const account = privateKeyToAccount(generatePrivateKey())
    const registration = await simEvidence({
      publicClient,
      machine: await createSimMachine(),
      ledger,
      operator: accounts[operator]!,
      measurement: MEASUREMENT,
      signer: account.address,
      initKey: keccak256(toHex(`init ${account.address}`)),
    })
    await registerEnclave(clientsOf(operator), registration)
    return Object.assign(account, { operator })
  }
  const members = { a: await register(1), b: await register(1), c: await register(2) }

  /** A checkpoint of the stream as it stands (or at `overrides.seq`), with recognisable roots. */
  async function aCheckpoint(overrides: Partial<Checkpoint> = {}): Promise<Checkpoint> {
    const seq = overrides.seq ?? (await read.seq())
    return {
      seq,
      acc: overrides.acc ?? (await read.accAt(seq)),
      stateRoot: keccak256(toHex(`state ${seq}`)),
      snapshotHash: keccak256(toHex(`snapshot ${seq}`)),
      withdrawalRoot: ZERO,
      auditRoot: ZERO,
      ...overrides,
    }
  }

  const typedData = (checkpoint: Checkpoint) => checkpointTypedData(31337n, ledger, checkpoint)
  const signedBy = async (checkpoint: Checkpoint, ...signers: PrivateKeyAccount[]) =>
    Promise.all(
      signers.map(async (signer) => ({
        signer: signer.address,
        signature: await signer.signTypedData(typedData(checkpoint)),
      })),
    )

  /**
   * Runs `send`, expects a custom-error revert and returns its name and args, checking that the stream, the latest
   * checkpoint and the pause did not move.
   */
  async function refusal(send: () => Promise<unknown>) {
    const before = await Promise.all([read.seq(), read.latestCheckpointSeq(), read.paused()])
    const error = await send().then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(error).toBeInstanceOf(BaseError)
    const revert = (error as BaseError).walk(
      (e) => e instanceof ContractFunctionRevertedError,
    ) as ContractFunctionRevertedError
    expect(await Promise.all([read.seq(), read.latestCheckpointSeq(), read.paused()])).toEqual(before)
    return { errorName: revert.data?.errorName, args: revert.data?.args }
  }

  return {
    anvil,
    deployment,
    ledger,
    accounts,
    clientsOf,
    read,
    register,
    members,
    aCheckpoint,
    typedData,
    signedBy,
    refusal,
  }
}
