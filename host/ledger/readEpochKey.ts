/**
 * Reads the current epoch's command key and checks it against the chain's own record of who proposed it, so a wallet
 * never seals to a key on an RPC's word (DESIGN §3 step 2): the rekey input that proposed the epoch, its proposer's
 * signature over the rekey digest (carried in the input), the EpochRotated log of its settlement (a pending or voided
 * proposal is not the current epoch), and the proposer's registration (an active member whose measurement is allowed
 * and whose attestation evidence, recorded with its registration, verifies). A lying RPC would have to produce a
 * rekey signed by an attested enclave, which only seals to keys whose secret stays inside enclaves.
 */
import { isAddressEqual, type Address, type Hex, type PublicClient } from 'viem'
import { ledgerAbi } from '../../contracts/generated/ledger'
import { checkRegistration, decodeRegistration } from '../../enclave-wasm/envelopes/checkRegistration'
import { recoverEnclaveSigner } from '../../enclave-wasm/envelopes/recoverEnclaveSigner'
import { rekeyDigest } from '../../enclave-wasm/envelopes/rekeyDigest'
import { decodeRekeyInput } from '../../enclave-wasm/envelopes/rekeyInput'
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

  // The rekey inputs that proposed `epoch`: the chain's record, not the view function's summary of it. A voided
  // proposal leaves one too, so the one that counts is the latest whose key is the current one.
  const proposals = (
    await publicClient.getContractEvents({
      ...read,
      eventName: 'InputAppended',
      args: { kind: INPUT_KIND.rekey },
      fromBlock,
      strict: true,
    })
  ).flatMap((log) => {
    const rekey = decodeRekeyOrUndefined(log.args.payload)
    return rekey?.epoch === epoch ? [{ seq: log.args.seq, rekey }] : []
  })
  if (proposals.length === 0) return fail(`no rekey input for epoch ${epoch} is on chain`)
  const sameKey = (key: Hex, other: Hex) => key.toLowerCase() === other.toLowerCase()
  const found = [...proposals]
    .reverse()
    .find(({ rekey }) => sameKey(rekey.cmdPubKey, cmdPubKey) && sameKey(rekey.commit, commit))
  if (!found) {
    const { seq, rekey } = proposals.at(-1)!
    return fail(`the key does not match the one ${rekey.proposer} proposed in input ${seq}`)
  }
  const { seq, rekey } = found
  const { proposer } = rekey
  const signer = recoverEnclaveSigner(rekeyDigest({ chainId, ledger, ...rekey }), rekey.signature)
  if (!signer || !isAddressEqual(signer, proposer))
    fail(`the rekey of input ${seq} is not signed by its proposer ${proposer}`)

  // Settled: the Ledger logs EpochRotated only when a majority of the members acked their shares, or when the rekey
  // was settled on its block timeout without enough complaints to void it.
  const rotations = await publicClient.getContractEvents({
    ...read,
    eventName: 'EpochRotated',
    args: { epoch },
    fromBlock,
    strict: true,
  })
  const settled = rotations.some(
    (log) =>
      isAddressEqual(log.args.proposer, proposer) &&
      sameKey(log.args.cmdPubKey, cmdPubKey) &&
      sameKey(log.args.commit, commit),
  )
  if (!settled) fail(`the rekey of input ${seq} has not settled`)

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

function decodeRekeyOrUndefined(payload: Hex) {
  try {
    return decodeRekeyInput(payload)
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
