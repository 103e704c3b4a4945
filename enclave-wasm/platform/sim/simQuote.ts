/**
 * SIM quotes, laid out like an Intel SGX DCAP v4 quote: a 48-byte header and the 384-byte SGX report body, so the
 * parser and offsets are the ones a DCAP adapter uses. Evidence adds the platform's signature and certificate. The
 * layout is defined once, with its verifier, in envelopes/verifySimEvidence.ts.
 */
import { encodeAbiParameters, hexToBytes, keccak256, toBytes, toHex, type Hex } from 'viem'
import { sha256 } from '@noble/hashes/sha2.js'
import {
  ATTRIBUTE_DEBUG,
  BODY_OFFSETS,
  QUOTE_HEADER_BYTES,
  QUOTE_VERSION,
  REPORT_BODY_BYTES,
  TEE_TYPE_SIM,
} from '../../envelopes/verifySimEvidence'
import { REPORT_DATA_BYTES, type LaunchRecord } from '../teePlatform'
import type { PlatformCertificate } from './simRootCa'

export { BODY_OFFSETS, QUOTE_HEADER_BYTES, REPORT_BODY_BYTES } from '../../envelopes/verifySimEvidence'
const ATTRIBUTE_INIT = 0x01
const SIM_QE_VENDOR_ID = sha256(new TextEncoder().encode('anonify/v1 sim vendor')).slice(0, 16)

/** Builds the 432-byte quote for `launch` carrying `reportData`; `tcbLevel` fills cpuSvn as on hardware. */
export function encodeQuote(launch: LaunchRecord, reportData: Uint8Array, tcbLevel = 1): Uint8Array {
  if (reportData.byteLength !== REPORT_DATA_BYTES) throw new Error(`report data must be ${REPORT_DATA_BYTES} bytes`)
  const quote = new Uint8Array(QUOTE_HEADER_BYTES + REPORT_BODY_BYTES)
  const view = new DataView(quote.buffer)
  view.setUint16(0, QUOTE_VERSION, true)
  view.setUint16(2, 2, true) // attestation key type (ECDSA P-256 in DCAP; secp256k1 here)
  quote.set(hexToBytes(TEE_TYPE_SIM), 4)
  quote.set(SIM_QE_VENDOR_ID, 12)
  const body = QUOTE_HEADER_BYTES
  view.setUint16(body + BODY_OFFSETS.cpuSvn, tcbLevel, true)
  quote[body + BODY_OFFSETS.attributes] = ATTRIBUTE_INIT | (launch.debug ? ATTRIBUTE_DEBUG : 0)
  quote.set(launch.measurement, body + BODY_OFFSETS.mrEnclave)
  quote.set(launch.signerId, body + BODY_OFFSETS.mrSigner)
  view.setUint16(body + BODY_OFFSETS.isvProdId, launch.productId, true)
  view.setUint16(body + BODY_OFFSETS.isvSvn, launch.svn, true)
  quote.set(reportData, body + BODY_OFFSETS.reportData)
  return quote
}

/** Digest the platform key signs: keccak256(quote), as SimAttestationVerifier recovers it. */
export function quoteDigest(quote: Uint8Array): Hex {
  return keccak256(quote)
}

/** abi.encode(quote, quoteSig, platformId, platformKey, tcbStatus, certSig): what the registry receives. */
export function encodeEvidence(quote: Uint8Array, quoteSig: Hex, cert: PlatformCertificate, certSig: Hex): Uint8Array {
  return toBytes(
    encodeAbiParameters(
      [
        { type: 'bytes' },
        { type: 'bytes' },
        { type: 'bytes16' },
        { type: 'address' },
        { type: 'uint8' },
        { type: 'bytes' },
      ],
      [toHex(quote), quoteSig, cert.platformId, cert.platformKey, cert.tcbStatus, certSig],
    ),
  )
}
