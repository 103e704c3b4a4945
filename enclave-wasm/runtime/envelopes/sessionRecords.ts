/**
 * The enclave's side of the session envelope (envelopes/sessionEnvelope.ts): the same format and tags, computed on
 * the wasm ChaCha20 of ./chacha20poly1305 (about three times @noble/ciphers' speed here), because every replica
 * opens every session record of the stream. The host keeps sealing with @noble/ciphers; tests hold the two equal.
 */
import {
  decodeSessionPlaintext,
  sessionNonce,
  SESSION_RECORD_BYTES,
  SESSION_TAG_BYTES,
  type OpenedSessionRecord,
} from '../../envelopes/sessionEnvelope'
import { chacha20Keystream, openChaCha20Poly1305 } from './chacha20poly1305'

/** Bytes handed out to opened commands; a fresh block replaces it when full, so no two commands ever share bytes. */
const SLAB_BYTES = 64 * 1024
let slab = new Uint8Array(0)
let slabUsed = 0

/**
 * `length` zeroed bytes for one opened command, cut from a shared block: a command (66 bytes for a transfer) is just
 * past the 64 bytes V8 allocates cheaply inline, and a separate buffer per record cost about 1 µs.
 * NOTE: the result is a view into a larger ArrayBuffer: read it through its byteOffset, never transfer its buffer.
 */
function commandBytes(length: number): Uint8Array {
  if (slabUsed + length > slab.byteLength) {
    slab = new Uint8Array(SLAB_BYTES)
    slabUsed = 0
  }
  const bytes = slab.subarray(slabUsed, slabUsed + length)
  slabUsed += length
  return bytes
}

/** The tag of the command with `counter`, as envelopes/sessionEnvelope.ts `sessionTag`. */
export function sessionTag(tagKey: Uint8Array, counter: bigint): Uint8Array {
  return chacha20Keystream(tagKey, sessionNonce(counter), SESSION_TAG_BYTES)
}

/**
 * Opens `record` as the command with `counter` of the session whose caller is `caller`, as envelopes/sessionEnvelope.ts
 * `openSessionRecord`: undefined if it is not authentic (then nothing was decrypted) or not canonically padded.
 * NOTE: the command is a view into a shared block (see `commandBytes`).
 */
export function openSessionRecord(
  encKey: Uint8Array,
  counter: bigint,
  caller: Uint8Array,
  record: Uint8Array,
): OpenedSessionRecord | undefined {
  if (record.byteLength !== SESSION_RECORD_BYTES) return undefined
  const plaintext = openChaCha20Poly1305(
    encKey,
    sessionNonce(counter),
    record.subarray(0, SESSION_TAG_BYTES),
    record.subarray(SESSION_TAG_BYTES),
  )
  return plaintext && decodeSessionPlaintext(plaintext, caller, commandBytes)
}
