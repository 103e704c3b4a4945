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

/** The tag of the command with `counter`, as envelopes/sessionEnvelope.ts `sessionTag`. */
export function sessionTag(tagKey: Uint8Array, counter: bigint): Uint8Array {
  return chacha20Keystream(tagKey, sessionNonce(counter), SESSION_TAG_BYTES)
}

/**
 * Opens `record` as the command with `counter` of the session whose caller is `caller`, as envelopes/sessionEnvelope.ts
 * `openSessionRecord`: undefined if it is not authentic (then nothing was decrypted) or not canonically padded.
 */
export function openSessionRecord(encKey: Uint8Array, counter: bigint, caller: Uint8Array, record: Uint8Array): OpenedSessionRecord | undefined {
  if (record.byteLength !== SESSION_RECORD_BYTES) return undefined
  const plaintext = openChaCha20Poly1305(encKey, sessionNonce(counter), record.subarray(0, SESSION_TAG_BYTES), record.subarray(SESSION_TAG_BYTES))
  return plaintext && decodeSessionPlaintext(plaintext, caller)
}
