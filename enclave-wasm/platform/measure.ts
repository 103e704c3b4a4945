/** The enclave measurement (mrEnclave): computed by the loader over exactly the bytes it starts. */
import { sha256 } from '@noble/hashes/sha2.js'
import { bytesToHex } from '@noble/hashes/utils.js'
import type { Hex } from '../protocol'

/** Domain separator, so a measurement can never collide with another SHA-256 use of the same bytes. */
export const MEASUREMENT_DOMAIN = 'anonify/v1 mr'

export type EnclaveImage = {
  /** core.wasm */
  core: Uint8Array
  /** The bundled Worker runtime (worker.js), which hosts the core and holds the keys. */
  worker: Uint8Array
  /** Canonical enclave configuration (see enclaveConfig.ts). */
  config: Uint8Array
}

/**
 * mrEnclave = SHA-256(domain ‖ len(core) ‖ core ‖ len(worker) ‖ worker ‖ len(config) ‖ config), lengths as u64 BE.
 * Length prefixes make the split between parts unambiguous: moving bytes from one part to the next changes it.
 */
export function measure(image: EnclaveImage): Uint8Array {
  const domain = new TextEncoder().encode(MEASUREMENT_DOMAIN)
  const hash = sha256.create().update(domain)
  for (const part of [image.core, image.worker, image.config]) {
    const length = new Uint8Array(8)
    new DataView(length.buffer).setBigUint64(0, BigInt(part.byteLength))
    hash.update(length).update(part)
  }
  return hash.digest()
}

/** Hex form used in manifests, deployments and status answers (lowercase, 0x-prefixed). */
export function measurementHex(measurement: Uint8Array): Hex {
  return `0x${bytesToHex(measurement)}`
}
