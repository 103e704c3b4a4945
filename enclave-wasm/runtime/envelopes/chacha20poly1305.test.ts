/**
 * The enclave's ChaCha20-Poly1305 opener over as-chacha20poly1305's wasm: RFC 8439 vectors, tamper rejection with
 * nothing decrypted, and seeded agreement with @noble/ciphers (which the host seals with).
 */
import { chacha20, chacha20poly1305 } from '@noble/ciphers/chacha.js'
import { bytesToHex, hexToBytes } from 'viem'
import { describe, expect, it, vi } from 'vitest'
import { chacha20Keystream, openChaCha20Poly1305 } from './chacha20poly1305'

// Keeps a handle on the wasm instance the wrapper creates, to check what it leaves in the wasm's memory.
const instances = vi.hoisted(() => [] as { memory: { buffer: ArrayBuffer } }[])
vi.mock('@chainsafe/as-chacha20poly1305/lib/src/wasm.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('@chainsafe/as-chacha20poly1305/lib/src/wasm.js')>()
  return {
    newInstance: () => {
      const ctx = original.newInstance()
      instances.push(ctx)
      return ctx
    },
  }
})

const SUNSCREEN = new TextEncoder().encode(
  "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it.",
)

/** RFC 8439 §2.8.2. */
const AEAD = {
  key: Uint8Array.from({ length: 32 }, (_, i) => 0x80 + i),
  nonce: hexToBytes('0x070000004041424344454647'),
  aad: hexToBytes('0x50515253c0c1c2c3c4c5c6c7'),
  ciphertext: hexToBytes(
    '0xd31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d63dbea45e8ca9671282fafb69da92728b1a71de0a9e060b2905d6a5b67ecd3b3692ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc3ff4def08e4b7a9de576d26586cec64b6116',
  ),
  tag: hexToBytes('0x1ae10b594f09e26a7e902ecbd0600691'),
}
const sealedVector = () => new Uint8Array([...AEAD.ciphertext, ...AEAD.tag])

/** A deterministic byte stream (xorshift32), so a failure reproduces exactly. */
function seededBytes(seed: number) {
  let x = seed
  return (length: number) =>
    Uint8Array.from({ length }, () => {
      x ^= x << 13
      x ^= x >>> 17
      x ^= x << 5
      return x & 0xff
    })
}

describe('openChaCha20Poly1305', () => {
  it('opens the RFC 8439 §2.8.2 AEAD test vector', () => {
    expect(openChaCha20Poly1305(AEAD.key, AEAD.nonce, AEAD.aad, sealedVector())).toEqual(SUNSCREEN)
    // The vector is the one @noble/ciphers (the host's sealer) produces.
    expect(bytesToHex(chacha20poly1305(AEAD.key, AEAD.nonce, AEAD.aad).encrypt(SUNSCREEN))).toBe(
      bytesToHex(sealedVector()),
    )
  })

  it('error: refuses a tampered tag, ciphertext, aad, nonce or key, and a record shorter than a tag', () => {
    const sealed = sealedVector()
    for (const at of [0, 57, AEAD.ciphertext.byteLength - 1, AEAD.ciphertext.byteLength, sealed.byteLength - 1]) {
      const tampered = sealed.slice()
      tampered[at]! ^= 0x01
      expect(openChaCha20Poly1305(AEAD.key, AEAD.nonce, AEAD.aad, tampered), `byte ${at}`).toBeUndefined()
    }
    const flip = (bytes: Uint8Array) => Uint8Array.from(bytes, (b, i) => (i === 0 ? b ^ 1 : b))
    expect(openChaCha20Poly1305(AEAD.key, AEAD.nonce, flip(AEAD.aad), sealed)).toBeUndefined()
    expect(openChaCha20Poly1305(AEAD.key, flip(AEAD.nonce), AEAD.aad, sealed)).toBeUndefined()
    expect(openChaCha20Poly1305(flip(AEAD.key), AEAD.nonce, AEAD.aad, sealed)).toBeUndefined()
    expect(openChaCha20Poly1305(AEAD.key, AEAD.nonce, AEAD.aad, AEAD.tag.subarray(0, 15))).toBeUndefined()
  })

  it('behavior: a refused ciphertext is never decrypted, and an opened one leaves no plaintext in the wasm', () => {
    // A record whose tag is wrong but whose ciphertext is the vector's: if anything were decrypted before the check,
    // the sunscreen text would be somewhere in the wasm's memory afterwards.
    const tampered = sealedVector()
    tampered[tampered.byteLength - 1]! ^= 0x80
    const memoryHas = (needle: Uint8Array) => Buffer.from(wasmMemory()).includes(Buffer.from(needle))
    expect(openChaCha20Poly1305(AEAD.key, AEAD.nonce, AEAD.aad, tampered)).toBeUndefined()
    expect(memoryHas(SUNSCREEN.subarray(0, 32))).toBe(false)
    expect(openChaCha20Poly1305(AEAD.key, AEAD.nonce, AEAD.aad, sealedVector())).toEqual(SUNSCREEN)
    expect(memoryHas(SUNSCREEN.subarray(0, 32))).toBe(false)
    expect(memoryHas(AEAD.key)).toBe(false)
  })

  it('error: throws RangeError on a key or nonce of the wrong length', () => {
    expect(() => openChaCha20Poly1305(AEAD.key.subarray(1), AEAD.nonce, AEAD.aad, sealedVector())).toThrow(RangeError)
    expect(() => openChaCha20Poly1305(AEAD.key, AEAD.nonce.subarray(1), AEAD.aad, sealedVector())).toThrow(RangeError)
  })

  it('agrees with @noble/ciphers over 300 seeded keys, nonces, aad and plaintext lengths (0..300 bytes)', () => {
    const random = seededBytes(0x5eed)
    for (let length = 0; length < 300; length++) {
      const [key, nonce, aad, plaintext] = [random(32), random(12), random(length % 40), random(length)]
      const sealed = chacha20poly1305(key, nonce, aad).encrypt(plaintext)
      expect(openChaCha20Poly1305(key, nonce, aad, sealed), `length ${length}`).toEqual(plaintext)
    }
  })
})

describe('chacha20Keystream', () => {
  it('matches the RFC 8439 §2.4.2 encryption vector (counter 1)', () => {
    const key = Uint8Array.from({ length: 32 }, (_, i) => i)
    const nonce = hexToBytes('0x000000000000004a00000000')
    const keystream = chacha20Keystream(key, nonce, SUNSCREEN.byteLength, 1)
    expect(bytesToHex(keystream.map((byte, i) => byte ^ SUNSCREEN[i]!))).toBe(
      '0x6e2e359a2568f98041ba0728dd0d6981e97e7aec1d4360c20a27afccfd9fae0bf91b65c5524733ab8f593dabcd62b3571639d624e65152ab8f530c359f0861d807ca0dbf500d6a6156a38e088a22b65e52bc514d16ccf806818ce91ab77937365af90bbf74a35be6b40b8eedf2785e42874d',
    )
  })

  it('matches the RFC 8439 §2.6.2 Poly1305 key generation vector (block 0, as the session tag uses it)', () => {
    const key = Uint8Array.from({ length: 32 }, (_, i) => 0x80 + i)
    const nonce = hexToBytes('0x000000000001020304050607')
    expect(bytesToHex(chacha20Keystream(key, nonce, 32))).toBe(
      '0x8ad5a08b905f81cc815040274ab29471a833b637e3fd0da508dbb8e2fdd1a646',
    )
  })

  it('agrees with @noble/ciphers at block 0 for seeded keys and nonces', () => {
    const random = seededBytes(0x7a9)
    for (let i = 0; i < 100; i++) {
      const [key, nonce] = [random(32), random(12)]
      expect(chacha20Keystream(key, nonce, 16)).toEqual(chacha20(key, nonce, new Uint8Array(16)))
    }
  })
})

/** The memory of the one wasm instance the wrapper made. */
function wasmMemory(): Uint8Array {
  expect(instances).toHaveLength(1)
  return new Uint8Array(instances[0]!.memory.buffer)
}
