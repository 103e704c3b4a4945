/**
 * Verifies SIM attestation evidence exactly as SimAttestationVerifier.sol does, for code that cannot ask the chain:
 * the enclave checking every registration its host hands it, and wallets checking who proposed an epoch key. The
 * quote layout (SGX DCAP v4 shaped) and the pinned root CA live here, public; platform/sim/ builds quotes from them.
 * SIMULATION GIVES NO HARDWARE PROTECTION: the SIM root CA's key is public, so this proves what it proves on hardware
 * only against someone who does not know that key.
 */
import {
  bytesToHex,
  decodeAbiParameters,
  encodeAbiParameters,
  hexToBytes,
  isAddressEqual,
  keccak256,
  stringToBytes,
  type Address,
  type Hex,
} from 'viem'
import { recoverEnclaveSigner } from './recoverEnclaveSigner'

export const QUOTE_HEADER_BYTES = 48
export const REPORT_BODY_BYTES = 384
/** Report body offsets (SGX EnclaveReport). */
export const BODY_OFFSETS = {
  cpuSvn: 0,
  attributes: 48,
  mrEnclave: 64,
  mrSigner: 128,
  isvProdId: 256,
  isvSvn: 258,
  reportData: 320,
} as const
export const QUOTE_VERSION = 4
/** "SIM\0", where DCAP puts the TEE type; also the registry's teeType of the SIM verifier. */
export const TEE_TYPE_SIM: Hex = '0x53494d00'
export const ATTRIBUTE_DEBUG = 0x02
/** Domain tag of platform certificates, as SimAttestationVerifier.CERT_TAG. */
export const SIM_CERT_TAG: Hex = keccak256(stringToBytes('anonify/v1 sim platform cert'))
/** The simulated root CA every SIM platform certificate must chain to, pinned as SimAttestationVerifier pins it. */
export const SIM_ROOT_CA_ADDRESS: Address = '0x36774C5c87e60AdD6C9056e409e2E186Ea0528D4'
/** Chain ids SimAttestationVerifier runs on: simulated enclaves are refused everywhere else. */
export const SIM_TEST_CHAIN_IDS: readonly bigint[] = [31337n, 1337n]

const EVIDENCE_TYPES = [
  { type: 'bytes' },
  { type: 'bytes' },
  { type: 'bytes16' },
  { type: 'address' },
  { type: 'uint8' },
  { type: 'bytes' },
] as const

/** What verified evidence says (IAttestationVerifier.Claims). */
export type SimClaims = {
  measurement: Hex
  signerId: Hex
  tcbStatus: number
  debug: boolean
  reportDataLo: Hex
  reportDataHi: Hex
  platformId: Hex
}

export type SimEvidenceVerdict = { ok: true; claims: SimClaims } | { ok: false; reason: string }

/** Digest a certificate signature covers: keccak256(abi.encode(CERT_TAG, platformId, platformKey, tcbStatus)). */
export function simCertificateDigest(cert: { platformId: Hex; platformKey: Address; tcbStatus: number }): Hex {
  return keccak256(
    encodeAbiParameters(
      [{ type: 'bytes32' }, { type: 'bytes16' }, { type: 'address' }, { type: 'uint8' }],
      [SIM_CERT_TAG, cert.platformId, cert.platformKey, cert.tcbStatus],
    ),
  )
}

/**
 * Checks `evidence` = abi.encode(quote, quoteSig, platformId, platformKey, tcbStatus, certSig) on `chainId`: a
 * 432-byte version-4 SIM quote, signed by a platform key whose certificate the pinned root CA signed. Never throws.
 */
export function verifySimEvidence(evidence: Hex | Uint8Array, chainId: bigint): SimEvidenceVerdict {
  if (!SIM_TEST_CHAIN_IDS.includes(chainId))
    return { ok: false, reason: `simulated evidence is refused on chain ${chainId}` }
  let fields: readonly [Hex, Hex, Hex, Address, number, Hex]
  try {
    fields = decodeAbiParameters(EVIDENCE_TYPES, typeof evidence === 'string' ? evidence : bytesToHex(evidence))
  } catch {
    return { ok: false, reason: 'the evidence is not abi-encoded SIM evidence' }
  }
  const [quoteHex, quoteSig, platformId, platformKey, tcbStatus, certSig] = fields
  const quote = hexToBytes(quoteHex)
  if (quote.byteLength !== QUOTE_HEADER_BYTES + REPORT_BODY_BYTES)
    return { ok: false, reason: 'the quote is malformed' }
  if ((quote[0]! | (quote[1]! << 8)) !== QUOTE_VERSION) return { ok: false, reason: 'the quote is malformed' }
  if (bytesToHex(quote.subarray(4, 8)) !== TEE_TYPE_SIM) return { ok: false, reason: 'the quote is malformed' }

  const certSigner = recoverEnclaveSigner(simCertificateDigest({ platformId, platformKey, tcbStatus }), certSig)
  if (!certSigner || !isAddressEqual(certSigner, SIM_ROOT_CA_ADDRESS))
    return { ok: false, reason: 'the platform is not certified by the root CA' }
  const quoteSigner = recoverEnclaveSigner(keccak256(quote), quoteSig)
  if (!quoteSigner || !isAddressEqual(quoteSigner, platformKey))
    return { ok: false, reason: 'the quote is not signed by the certified platform key' }

  const body = QUOTE_HEADER_BYTES
  const word = (offset: number) => bytesToHex(quote.subarray(body + offset, body + offset + 32))
  return {
    ok: true,
    claims: {
      measurement: word(BODY_OFFSETS.mrEnclave),
      signerId: word(BODY_OFFSETS.mrSigner),
      tcbStatus,
      debug: (quote[body + BODY_OFFSETS.attributes]! & ATTRIBUTE_DEBUG) !== 0,
      reportDataLo: word(BODY_OFFSETS.reportData),
      reportDataHi: word(BODY_OFFSETS.reportData + 32),
      // bytes32(platformId) in the contract: the 16 bytes, left-aligned.
      platformId: `${platformId}${'00'.repeat(16)}`,
    },
  }
}
