import { x25519 } from '@noble/curves/ed25519.js'
import { bytesToHex, numberToBytes } from 'viem'
import { describe, expect, it } from 'vitest'
import { isValidX25519PublicKey } from './x25519Key'

const P = 2n ** 255n - 19n
/** The two u-coordinates of order 8 (https://cr.yp.to/ecdh.html#validate). */
const ORDER_8 = [
  325606250916557431795983626356110631294008115727848805560023387167927233504n,
  39382357235489614581723060781553021112529911719440698176882885853963445705823n,
]
/** 32 little-endian bytes of `u`, as X25519 encodes a u-coordinate. */
const encode = (u: bigint) => numberToBytes(u, { size: 32 }).reverse()

/** Bernstein's list: the 12 encodings below 2^256 that every clamped scalar sends to the all-zero shared secret. */
const LOW_ORDER = [
  0n,
  1n,
  ...ORDER_8,
  P - 1n,
  P,
  P + 1n,
  P + ORDER_8[0]!,
  P + ORDER_8[1]!,
  2n * P - 1n,
  2n * P,
  2n * P + 1n,
]

describe('isValidX25519PublicKey', () => {
  it('accepts generated public keys and the RFC 7748 §6.1 test keys, as bytes and as hex', () => {
    for (let i = 0; i < 16; i++) {
      const key = x25519.getPublicKey(x25519.utils.randomSecretKey())
      expect(isValidX25519PublicKey(key)).toBe(true)
      expect(isValidX25519PublicKey(bytesToHex(key))).toBe(true)
    }
    expect(isValidX25519PublicKey('0x8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a')).toBe(true)
    expect(isValidX25519PublicKey('0xDE9EDB7D7B7DC1B4D35B61C2ECE435373F8343C85B78674DADFC7E146F882B4F')).toBe(true)
  })

  it('error: refuses each of the 12 low-order encodings, the all-zero key first', () => {
    expect(LOW_ORDER).toHaveLength(12)
    expect(isValidX25519PublicKey(new Uint8Array(32))).toBe(false)
    for (const u of LOW_ORDER) expect(isValidX25519PublicKey(encode(u)), `u = ${u}`).toBe(false)
  })

  it('error: refuses non-canonical encodings: u ≥ 2^255 − 19, and any key with the high bit set', () => {
    for (const u of [P, P + 2n, P + 9n, 2n ** 255n - 1n])
      expect(isValidX25519PublicKey(encode(u)), `u = ${u}`).toBe(false)
    const key = x25519.getPublicKey(x25519.utils.randomSecretKey())
    key[31]! |= 0x80
    // X25519 masks that bit (RFC 7748 §5), so the same point has two encodings: only the canonical one is accepted.
    expect(isValidX25519PublicKey(key)).toBe(false)
  })

  it('error: refuses wrong lengths and malformed hex without throwing', () => {
    for (const value of [
      new Uint8Array(31),
      new Uint8Array(33),
      '0x',
      `0x${'09'.repeat(31)}`,
      `0x${'zz'.repeat(32)}`,
      `${'09'.repeat(32)}`,
    ])
      expect(isValidX25519PublicKey(value as never)).toBe(false)
  })
})
