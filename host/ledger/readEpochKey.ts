/**
 * Reads the current epoch's command key and checks it against the chain's own record of who proposed it, so a wallet
 * never seals to a key on an RPC's word (DESIGN §3 step 2): the rekey input that started the epoch, its proposer's
 * signature over the rekey digest, and the proposer's registration (an active member whose measurement is allowed and
 * whose attestation evidence, recorded with its registration, verifies). A lying RPC would have to produce a rekey
 * signed by an attested enclave, which only seals to keys whose secret stays inside enclaves.
 */
import {
  decodeAbiParameters,
  decodeFunctionData,
  isAddressEqual,
  type Address,
  type Hex,
  type PublicClient,
} from 'viem'
import { ledgerAbi } from '../../contracts/generated/ledger'
import { checkRegistration, decodeRegistration } from '../../enclave-wasm/envelopes/checkRegistration'
import { recoverEnclaveSigner } from '../../enclave-wasm/envelopes/recoverEnclaveSigner'
import { rekeyDigest } from '../../enclave-wasm/envelopes/rekeyDigest'
import { INPUT_KIND } from '../../enclave-wasm/protocol'
import { EpochKeyNotVerifiedError } from '../errors/ledger'

export type ReadEpochKeyParameters = {
  chainId: bigint
  ledger: Address
  /** Where the Ledger's logs start (the deployment block). */
  fromBlock?: bigint | undefined
  /** A key this reader verified before: returned as it is while the chain still names it, without checking again. */
  verified?: VerifiedEpochKey | undefined
}

export type VerifiedEpochKey = { epoch: bigint; cmdPubKey: Hex; commit: Hex; proposer: Address }

export type ReadEpochKeyErrorType = EpochKeyNotVerifiedError

/**
 * The leading fields of a KIND_REKEY payload, abi.encode(epoch, proposer, setHash, cmdPubKey, commit, shares, …):
 * decoded by position, so fields appended later do not break the reader.
 */
const REKEY_LEADING_FIELDS = [
  { type: 'uint64' },
  { type: 'address' },
  { type: 'bytes32' },
  { type: 'bytes32' },
  { type: 'bytes32' },
] as const

/**
 * The current epoch and its command key, once checked; epoch 0 (no key yet) comes back unchecked with a zero key.
 * Throws `EpochKeyNotVerifiedError` naming the first check that failed.
 * @example
 * const fromBlock = BigInt(deployment.deployBlock)
 * const { epoch, cmdPubKey } = await readEpochKey(publicClient, { chainId, ledger, fromBlock })
 */
export async function readEpochKey(
  publicClient: PublicClient,
  parameters: ReadEpochKeyParameters,
): Promise<VerifiedEpochKey> {
  const { chainId, ledger, fromBlock = 0n, verified } = parameters
  const read = { address: ledger, abi: ledgerAbi } as const
  const [epoch, cmdPubKey, commit] = await publicClient.readContract({ ...read, functionName: 'currentEpoch' })
  if (verified && verified.epoch === epoch && verified.cmdPubKey === cmdPubKey && verified.commit === commit)
    return verified
  const fail = (problem: string): never => {
    throw new EpochKeyNotVerifiedError({ epoch, problem })
  }
  if (epoch === 0n) return { epoch, cmdPubKey, commit, proposer: '0x0000000000000000000000000000000000000000' }

  // The rekey input that started `epoch`: the chain's record, not the view function's summary of it.
  const rekeys = await publicClient.getContractEvents({
    ...read,
    eventName: 'InputAppended',
    args: { kind: INPUT_KIND.rekey },
    fromBlock,
    strict: true,
  })
  const found = [...rekeys].reverse().find((log) => decodeLeading(log.args.payload)?.[0] === epoch)
  if (!found) return fail(`no rekey input for epoch ${epoch} is on chain`)
  const [, proposer, setHash, proposedKey, proposedCommit] = decodeLeading(found.args.payload)!
  if (proposedKey.toLowerCase() !== cmdPubKey.toLowerCase() || proposedCommit.toLowerCase() !== commit.toLowerCase())
    fail(`the key does not match the one ${proposer} proposed in input ${found.args.seq}`)

  // The proposer's signature travels in the transaction, which every node keeps with the log.
  const transaction = await publicClient.getTransaction({ hash: found.transactionHash })
  if (!transaction.to || !isAddressEqual(transaction.to, ledger))
    fail(`the rekey of input ${found.args.seq} was not sent to the Ledger directly`)
  let call: ReturnType<typeof decodeFunctionData<typeof ledgerAbi>> | undefined
  try {
    call = decodeFunctionData({ abi: ledgerAbi, data: transaction.input })
  } catch {
    call = undefined
  }
  if (call?.functionName !== 'rekey') return fail(`the transaction of input ${found.args.seq} is not a rekey call`)
  const [callEpoch, callSetHash, callKey, callCommit, shares, callProposer, signature] = call.args
  if (
    callEpoch !== epoch ||
    callSetHash !== setHash ||
    callKey !== proposedKey ||
    callCommit !== proposedCommit ||
    !isAddressEqual(callProposer, proposer)
  )
    fail(`the rekey call of input ${found.args.seq} does not match its input`)
  const signer = recoverEnclaveSigner(
    rekeyDigest({ chainId, ledger, epoch, setHash, cmdPubKey: proposedKey, commit: proposedCommit, shares }),
    signature,
  )
  if (!signer || !isAddressEqual(signer, proposer))
    fail(`the rekey of input ${found.args.seq} is not signed by its proposer ${proposer}`)

  // Who signed: still an active member now (a removed proposer still knows the secret), with an allowed measurement.
  const [active, enclave] = await Promise.all([
    publicClient.readContract({ ...read, functionName: 'isActive', args: [proposer] }),
    publicClient.readContract({ ...read, functionName: 'enclaveOf', args: [proposer] }),
  ])
  if (!active) fail(`its proposer ${proposer} is not an active member`)
  const allowed = await publicClient.readContract({
    ...read,
    functionName: 'isMeasurementAllowed',
    args: [enclave.measurement],
  })
  if (!allowed) fail(`its proposer's measurement ${enclave.measurement} is not allowed`)

  // And an enclave: the evidence recorded with its registration verifies under the registry's policy.
  const registrations = await publicClient.getContractEvents({
    ...read,
    eventName: 'InputAppended',
    args: { kind: INPUT_KIND.memberAdded },
    fromBlock,
    strict: true,
  })
  const registered = registrations
    .map((log) => decodeRegistrationOrUndefined(log.args.payload))
    .find((r) => r && isAddressEqual(r.signer, proposer))
  if (!registered) return fail(`no registration of its proposer ${proposer} is on chain`)
  const measurement = enclave.measurement.toLowerCase()
  const verdict = checkRegistration(registered, { chainId, ledger, isMeasurementAllowed: (m) => m === measurement })
  if (!verdict.ok) fail(`its proposer's attestation does not verify (${verdict.reason})`)
  return { epoch, cmdPubKey, commit, proposer }
}

function decodeLeading(payload: Hex) {
  try {
    return decodeAbiParameters(REKEY_LEADING_FIELDS, payload)
  } catch {
    return undefined
  }
}

function decodeRegistrationOrUndefined(payload: Hex) {
  try {
    return decodeRegistration(payload)
  } catch {
    return undefined
  }
}
