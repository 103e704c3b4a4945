/**
 * The session command envelope (the fast path, DESIGN §6). A wallet-signed `SessionGrant` travels once, sealed like
 * any command; after it, each command is a 96-byte record under the session key. Public format, no keys held here.
 *
 *   record (96) = tag (16) ‖ ChaCha20-Poly1305(encKey, nonce, aad = tag, plaintext 64) (64 + 16)
 *   tag         = first 16 bytes of the ChaCha20 keystream under tagKey for nonce = u32 0 ‖ u64 counter (a PRF of
 *                 the counter: two records of one session share nothing an observer can link)
 *   nonce       = u32 0 ‖ u64 counter; a counter is used once per session, so (key, nonce) never repeats
 *   tagKey, encKey = HKDF-SHA256(ikm = sessionKey, salt = "anonify/v1 session" ‖ u256 chainId ‖ ledger ‖ u32 epoch,
 *                 info = "tag" | "enc")
 *   plaintext   = len u8 ‖ deadlineBlock u64 ‖ command without its caller (nonce ‖ app ‖ op ‖ args) ‖ zero padding
 *
 * The caller is left out: the enclave knows it from the session the tag belongs to.
 */
import { chacha20, chacha20poly1305 } from '@noble/ciphers/chacha.js'
import { hkdf } from '@noble/hashes/hkdf.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { encodePacked, hexToBytes, type Address } from 'viem'
import { SESSION_RECORD_BYTES } from '../protocol'
import { readU64, writeU64 } from './bigEndian'

export { SESSION_RECORD_BYTES }
export const SESSION_TAG_BYTES = 16
export const SESSION_PLAINTEXT_BYTES = 64
/**
 * Counters an enclave accepts ahead of a session's next one: a wallet may lose up to this many records (a relayer
 * dropped them) and still go on; anything further ahead is refused until the wallet resumes from the enclave's `next`.
 */
export const SESSION_WINDOW = 8
const CALLER_BYTES = 20
const encoder = new TextEncoder()

export type SessionKeys = { tagKey: Uint8Array; encKey: Uint8Array }

/** Both keys of a session granted in `epoch` of this deployment. */
export function deriveSessionKeys(
  sessionKey: Uint8Array,
  chainId: bigint,
  ledger: Address,
  epoch: number,
): SessionKeys {
  const salt = hexToBytes(
    encodePacked(['string', 'uint256', 'address', 'uint32'], ['anonify/v1 session', chainId, ledger, epoch]),
  )
  return {
    tagKey: hkdf(sha256, sessionKey, salt, encoder.encode('tag'), 32),
    encKey: hkdf(sha256, sessionKey, salt, encoder.encode('enc'), 32),
  }
}

/** The AEAD nonce (and tag PRF input) of the command with `counter`: u32 0 ‖ u64 counter. */
export function sessionNonce(counter: bigint): Uint8Array {
  const nonce = new Uint8Array(12)
  writeU64(nonce, 4, counter)
  return nonce
}

/** The tag of the command with `counter`. */
export function sessionTag(tagKey: Uint8Array, counter: bigint): Uint8Array {
  return chacha20(tagKey, sessionNonce(counter), new Uint8Array(SESSION_TAG_BYTES))
}

export type SealSessionRecordParameters = {
  keys: SessionKeys
  counter: bigint
  deadlineBlock: bigint
  /** The core's encoding of the command (coreCommands.ts), caller first. */
  command: Uint8Array
}

/** Seals one command into a 96-byte record. Throws if the command does not fit the 64-byte plaintext. */
export function sealSessionRecord({ keys, counter, deadlineBlock, command }: SealSessionRecordParameters): Uint8Array {
  const body = command.subarray(CALLER_BYTES)
  if (1 + 8 + body.byteLength > SESSION_PLAINTEXT_BYTES)
    throw new RangeError('the command does not fit a session record')
  const plaintext = new Uint8Array(SESSION_PLAINTEXT_BYTES)
  const view = new DataView(plaintext.buffer)
  view.setUint8(0, body.byteLength)
  view.setBigUint64(1, deadlineBlock)
  plaintext.set(body, 9)
  const tag = sessionTag(keys.tagKey, counter)
  const record = new Uint8Array(SESSION_RECORD_BYTES)
  record.set(tag, 0)
  record.set(chacha20poly1305(keys.encKey, sessionNonce(counter), tag).encrypt(plaintext), SESSION_TAG_BYTES)
  return record
}

export type OpenedSessionRecord = { deadlineBlock: bigint; command: Uint8Array }

/**
 * Opens `record` as the command with `counter` of the session whose caller is `caller` (20 bytes), returning the
 * core's full command encoding; undefined if it is not authentic or not canonically padded.
 */
export function openSessionRecord(
  encKey: Uint8Array,
  counter: bigint,
  caller: Uint8Array,
  record: Uint8Array,
): OpenedSessionRecord | undefined {
  if (record.byteLength !== SESSION_RECORD_BYTES) return undefined
  let plaintext: Uint8Array
  try {
    plaintext = chacha20poly1305(encKey, sessionNonce(counter), record.subarray(0, SESSION_TAG_BYTES)).decrypt(
      record.subarray(SESSION_TAG_BYTES),
    )
  } catch {
    return undefined
  }
  return decodeSessionPlaintext(plaintext, caller)
}

/**
 * The command inside an authentic 64-byte session plaintext, with `caller` put back in front; undefined if the
 * plaintext is not canonically padded. Shared by every opener of session records; `allocate` gives the command's
 * bytes (fresh, zeroed, never handed out twice).
 */
export function decodeSessionPlaintext(
  plaintext: Uint8Array,
  caller: Uint8Array,
  allocate: (length: number) => Uint8Array = (length) => new Uint8Array(length),
): OpenedSessionRecord | undefined {
  if (plaintext.byteLength !== SESSION_PLAINTEXT_BYTES) return undefined
  const length = plaintext[0]!
  if (length + 9 > SESSION_PLAINTEXT_BYTES) return undefined
  for (let at = 9 + length; at < SESSION_PLAINTEXT_BYTES; at++) if (plaintext[at] !== 0) return undefined
  const command = allocate(CALLER_BYTES + length)
  command.set(caller, 0)
  command.set(plaintext.subarray(9, 9 + length), CALLER_BYTES)
  return { deadlineBlock: readU64(plaintext, 1), command }
}
