/**
 * A registration as the Ledger records it (KIND_MEMBER_ADDED, KIND_MEMBER_REATTESTED) and the registry's policy over
 * it, for those who must not take the chain's verdict from a host or an RPC: every enclave checks each registration
 * it is handed, and a wallet checks the enclave that proposed the epoch key it seals to. Public, no keys.
 */
import { sha256 } from '@noble/hashes/sha2.js'
import { bytesToHex, decodeAbiParameters, encodePacked, getAddress, hexToBytes, type Address, type Hex } from 'viem'
import { TEE_TYPE_SIM, verifySimEvidence, type SimClaims } from './verifySimEvidence'
import { isValidX25519PublicKey } from './x25519Key'

/** abi.encode(signer, operator, initKey, measurement, teeType, anchorHash, evidence), as InputStream documents. */
export const REGISTRATION_PAYLOAD = [
  { type: 'address' },
  { type: 'address' },
  { type: 'bytes32' },
  { type: 'bytes32' },
  { type: 'bytes4' },
  { type: 'bytes32' },
  { type: 'bytes' },
] as const

/** TCB statuses the registry accepts unless governance changes it: UpToDate only (EnclaveRegistry's constructor). */
export const DEFAULT_ACCEPTABLE_TCB: readonly number[] = [0]

export type Registration = {
  signer: Address
  operator: Address
  initKey: Hex
  /** The measurement the registry read from the evidence. */
  measurement: Hex
  teeType: Hex
  /** The hash of the anchor block the evidence binds. */
  anchorHash: Hex
  evidence: Hex
}

/** Decodes a registration input's payload; throws if it is not one. */
export function decodeRegistration(payload: Uint8Array | Hex): Registration {
  const [signer, operator, initKey, measurement, teeType, anchorHash, evidence] = decodeAbiParameters(
    REGISTRATION_PAYLOAD,
    typeof payload === 'string' ? payload : bytesToHex(payload),
  )
  return {
    signer: getAddress(signer),
    operator: getAddress(operator),
    initKey,
    measurement,
    teeType,
    anchorHash,
    evidence,
  }
}

export type RegistrationBindingParameters = {
  chainId: bigint
  ledger: Address
  operator: Address
  signer: Address
  initKey: Hex
  anchorHash: Hex
}

/**
 * report_data[0:32] a registration must carry, as EnclaveRegistry.bindingOf:
 * SHA-256("anonify/v1 ra" ‖ chainId ‖ ledger ‖ operator ‖ signer ‖ initKey ‖ anchorHash).
 */
export function registrationBinding({
  chainId,
  ledger,
  operator,
  signer,
  initKey,
  anchorHash,
}: RegistrationBindingParameters): Uint8Array {
  return sha256(
    hexToBytes(
      encodePacked(
        ['string', 'uint256', 'address', 'address', 'address', 'bytes32', 'bytes32'],
        ['anonify/v1 ra', chainId, ledger, operator, signer, initKey, anchorHash],
      ),
    ),
  )
}

export type RegistrationPolicy = {
  chainId: bigint
  ledger: Address
  /** The measurement allow-list as the checker knows it (an enclave: its own measurement). */
  isMeasurementAllowed: (measurement: Hex) => boolean
  acceptableTcb?: readonly number[] | undefined
}

export type RegistrationVerdict = { ok: true; claims: SimClaims } | { ok: false; reason: string }

/**
 * Applies EnclaveRegistry's checks to `registration` in its order: a verifier for the TEE type, the evidence, the
 * measurement the registry recorded, the allow-list, no debug, the TCB status, the report_data binding. Adds one the
 * chain does not make: the init key must be a valid X25519 key (an enclave only ever generates valid ones). The
 * anchor's age is not checked: that needs block numbers only a light client could vouch for. Never throws.
 */
export function checkRegistration(registration: Registration, policy: RegistrationPolicy): RegistrationVerdict {
  const { chainId, ledger, isMeasurementAllowed, acceptableTcb = DEFAULT_ACCEPTABLE_TCB } = policy
  if (registration.teeType.toLowerCase() !== TEE_TYPE_SIM)
    return { ok: false, reason: `no verifier for TEE type ${registration.teeType}` }
  const verified = verifySimEvidence(registration.evidence, chainId)
  if (!verified.ok) return verified
  const { claims } = verified
  if (claims.measurement !== registration.measurement.toLowerCase())
    return { ok: false, reason: 'the evidence is for another measurement than recorded' }
  if (!isMeasurementAllowed(claims.measurement))
    return { ok: false, reason: `measurement ${claims.measurement} is not allowed` }
  if (claims.debug) return { ok: false, reason: 'the evidence comes from a debug enclave' }
  if (!acceptableTcb.includes(claims.tcbStatus))
    return { ok: false, reason: `TCB status ${claims.tcbStatus} is not acceptable` }
  const expected = bytesToHex(registrationBinding({ chainId, ledger, ...registration }))
  if (claims.reportDataLo !== expected)
    return { ok: false, reason: 'report_data does not bind this chain, ledger, operator, signer, init key and anchor' }
  if (!isValidX25519PublicKey(registration.initKey))
    return { ok: false, reason: 'the init key is not a valid X25519 public key' }
  return { ok: true, claims }
}
