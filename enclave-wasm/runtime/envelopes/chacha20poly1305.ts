/**
 * ChaCha20 and ChaCha20-Poly1305 opening (RFC 8439) on @chainsafe/as-chacha20poly1305's wasm, for the session path.
 * Only its two primitives are used, ChaCha20 (`chacha20StreamXORUpdate`) and Poly1305 (`poly1305*`), never its
 * `open()`: that one writes plaintext before checking the tag and compares tags with an early exit. Here the tag is
 * computed first, compared in constant time, and only an authentic ciphertext is decrypted. Scratch bytes holding
 * keystream, the one-time Poly1305 key or plaintext are wiped before returning.
 */
import { newInstance, type WasmContext } from '@chainsafe/as-chacha20poly1305/lib/src/wasm.js'

const KEY_BYTES = 32
const NONCE_BYTES = 12
const TAG_BYTES = 16
/** The wasm's input and output buffers (its DATA_CHUNK_LENGTH); one call handles at most this much. */
const CHUNK_BYTES = 65536

type Buffers = {
  key: Uint8Array
  counter: Uint8Array
  input: Uint8Array
  output: Uint8Array
  polyKey: Uint8Array
  polyInput: Uint8Array
  tag: Uint8Array
}

let instance: { ctx: WasmContext; buffers: Buffers } | undefined

// One instance per Worker, created on first use. Its memory has no allocator and never grows, but the views are
// rebuilt if it ever did (a grown memory detaches the old buffer).
function wasm(): { ctx: WasmContext; buffers: Buffers } {
  if (instance && instance.buffers.key.byteLength !== 0) return instance
  const ctx = instance?.ctx ?? newInstance()
  const view = (global: { value: number }, length: number) => new Uint8Array(ctx.memory.buffer, global.value, length)
  instance = {
    ctx,
    buffers: {
      key: view(ctx.chacha20Key, KEY_BYTES),
      counter: view(ctx.chacha20Counter, 16),
      input: view(ctx.chacha20Input, CHUNK_BYTES),
      output: view(ctx.chacha20Output, CHUNK_BYTES),
      polyKey: view(ctx.poly1305Key, KEY_BYTES),
      polyInput: view(ctx.poly1305Input, CHUNK_BYTES),
      tag: view(ctx.poly1305Output, TAG_BYTES),
    },
  }
  return instance
}

function checkKeyAndNonce(key: Uint8Array, nonce: Uint8Array): void {
  if (key.byteLength !== KEY_BYTES) throw new RangeError('a ChaCha20 key is 32 bytes')
  if (nonce.byteLength !== NONCE_BYTES) throw new RangeError('a ChaCha20 nonce is 12 bytes')
}

/**
 * XORs the ChaCha20 keystream from block `counter` into the first `length` bytes of the wasm's input buffer (the
 * caller has written them); the result is in its output buffer.
 */
function streamXor(
  buffers: Buffers,
  ctx: WasmContext,
  key: Uint8Array,
  nonce: Uint8Array,
  counter: number,
  length: number,
): Uint8Array {
  buffers.key.set(key)
  // RFC 8439 §2.3: the 16-byte block input after the key is counter (u32 little-endian) ‖ nonce.
  const block = buffers.counter
  block[0] = counter & 0xff
  block[1] = (counter >>> 8) & 0xff
  block[2] = (counter >>> 16) & 0xff
  block[3] = counter >>> 24
  block.set(nonce, 4)
  ctx.chacha20StreamXORUpdate(length)
  return buffers.output.subarray(0, length)
}

/**
 * The first `length` bytes of the ChaCha20 keystream (RFC 8439 §2.4) under `key` and `nonce`, from block `counter`.
 * Throws RangeError on a bad key, nonce or length.
 */
export function chacha20Keystream(key: Uint8Array, nonce: Uint8Array, length: number, counter = 0): Uint8Array {
  checkKeyAndNonce(key, nonce)
  if (!Number.isInteger(length) || length < 0 || length > CHUNK_BYTES)
    throw new RangeError(`at most ${CHUNK_BYTES} bytes of keystream at a time`)
  const { ctx, buffers } = wasm()
  buffers.input.fill(0, 0, length)
  const out = streamXor(buffers, ctx, key, nonce, counter, length).slice()
  buffers.output.fill(0, 0, length)
  buffers.key.fill(0)
  return out
}

/**
 * Opens `sealed` = ciphertext ‖ tag (16) under `key`, `nonce` and `aad` (RFC 8439 §2.8); returns the plaintext, or
 * undefined if the tag does not verify (nothing is decrypted then). Throws RangeError on a bad key or nonce length.
 */
export function openChaCha20Poly1305(
  key: Uint8Array,
  nonce: Uint8Array,
  aad: Uint8Array,
  sealed: Uint8Array,
): Uint8Array | undefined {
  checkKeyAndNonce(key, nonce)
  if (sealed.byteLength < TAG_BYTES) return undefined
  const ciphertext = sealed.subarray(0, sealed.byteLength - TAG_BYTES)
  const pad = (length: number) => (16 - (length % 16)) % 16
  const aadEnd = aad.byteLength + pad(aad.byteLength)
  const ciphertextEnd = aadEnd + ciphertext.byteLength + pad(ciphertext.byteLength)
  const macLength = ciphertextEnd + 16
  if (macLength > CHUNK_BYTES) throw new RangeError(`at most ${CHUNK_BYTES - 32} bytes of aad and ciphertext`)
  const { ctx, buffers } = wasm()

  // §2.6: the one-time Poly1305 key is the first 32 bytes of block 0.
  buffers.input.fill(0, 0, KEY_BYTES)
  const oneTimeKey = streamXor(buffers, ctx, key, nonce, 0, KEY_BYTES)
  buffers.polyKey.set(oneTimeKey)
  oneTimeKey.fill(0)
  ctx.poly1305Init()
  // §2.8: mac data = aad ‖ pad16 ‖ ciphertext ‖ pad16 ‖ u64le(aad length) ‖ u64le(ciphertext length).
  const mac = buffers.polyInput
  mac.fill(0, 0, macLength)
  mac.set(aad, 0)
  mac.set(ciphertext, aadEnd)
  writeU32le(mac, ciphertextEnd, aad.byteLength)
  writeU32le(mac, ciphertextEnd + 8, ciphertext.byteLength)
  ctx.poly1305Update(macLength)
  ctx.poly1305Digest()
  buffers.polyKey.fill(0)

  // Constant time over the whole tag: no early exit tells a forger how many leading bytes were right.
  const expected = sealed.subarray(ciphertext.byteLength)
  let difference = 0
  for (let i = 0; i < TAG_BYTES; i++) difference |= buffers.tag[i]! ^ expected[i]!
  buffers.tag.fill(0)
  if (difference !== 0) {
    buffers.key.fill(0)
    return undefined
  }

  buffers.input.set(ciphertext)
  const plaintext = streamXor(buffers, ctx, key, nonce, 1, ciphertext.byteLength).slice()
  buffers.output.fill(0, 0, ciphertext.byteLength)
  buffers.key.fill(0)
  return plaintext
}

/** Lengths are below 2^32, so the upper half of each u64 stays the zero the buffer was filled with. */
function writeU32le(bytes: Uint8Array, at: number, value: number): void {
  bytes[at] = value & 0xff
  bytes[at + 1] = (value >>> 8) & 0xff
  bytes[at + 2] = (value >>> 16) & 0xff
  bytes[at + 3] = value >>> 24
}
