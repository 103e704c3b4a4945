import { chacha20poly1305 } from '@noble/ciphers/chacha.js'
import { bytesToHex, hexToBytes, type Address } from 'viem'
import { describe, expect, it } from 'vitest'
import { encodeCoreCommand } from './coreCommands'
import {
  deriveSessionKeys,
  openSessionRecord,
  sealSessionRecord,
  sessionNonce,
  sessionTag,
  SESSION_RECORD_BYTES,
  SESSION_TAG_BYTES,
} from './sessionEnvelope'

const alice: Address = '0x00000000000000000000000000000000000a11ce'
const bob: Address = '0x0000000000000000000000000000000000000b0b'
const ledger: Address = '0x5FbDB2315678afecb367f032d93F642f64180aa3'
const keys = deriveSessionKeys(new Uint8Array(32).fill(9), 31337n, ledger, 1)
const transfer = (nonce: bigint) => encodeCoreCommand(alice, nonce, { op: 'transfer', to: bob, amount: 60n })
const caller = hexToBytes(alice)

describe('ChaCha20-Poly1305 (the primitive under session records)', () => {
  it('matches the RFC 8439 §2.8.2 AEAD test vector', () => {
    const key = Uint8Array.from({ length: 32 }, (_, i) => 0x80 + i)
    const nonce = hexToBytes('0x070000004041424344454647')
    const aad = hexToBytes('0x50515253c0c1c2c3c4c5c6c7')
    const plaintext = new TextEncoder().encode(
      "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it.",
    )
    const sealed = chacha20poly1305(key, nonce, aad).encrypt(plaintext)
    expect(bytesToHex(sealed.subarray(0, 16))).toBe('0xd31a8d34648e60db7b86afbc53ef7ec2')
    expect(bytesToHex(sealed.subarray(-16))).toBe('0x1ae10b594f09e26a7e902ecbd0600691')
  })
})

describe('session records', () => {
  it('are 96 bytes and open back to the full command at their counter', () => {
    const record = sealSessionRecord({ keys, counter: 3n, deadlineBlock: 500n, command: transfer(7n) })
    expect(record.byteLength).toBe(SESSION_RECORD_BYTES)
    expect(bytesToHex(record.subarray(0, SESSION_TAG_BYTES))).toBe(bytesToHex(sessionTag(keys.tagKey, 3n)))
    expect(openSessionRecord(keys.encKey, 3n, caller, record)).toEqual({ deadlineBlock: 500n, command: transfer(7n) })
  })

  it('carry tags that do not repeat or reveal the session: every counter and every session gives another', () => {
    const other = deriveSessionKeys(new Uint8Array(32).fill(10), 31337n, ledger, 1)
    const tags = new Set<string>()
    for (let counter = 0n; counter < 64n; counter++) {
      tags.add(bytesToHex(sessionTag(keys.tagKey, counter)))
      tags.add(bytesToHex(sessionTag(other.tagKey, counter)))
    }
    expect(tags.size).toBe(128)
  })

  it('bind deployment and epoch: the same key in another epoch or chain derives other keys', () => {
    const key = new Uint8Array(32).fill(9)
    expect(deriveSessionKeys(key, 31337n, ledger, 2).encKey).not.toEqual(keys.encKey)
    expect(deriveSessionKeys(key, 1n, ledger, 1).tagKey).not.toEqual(keys.tagKey)
  })

  it('refuse a flipped bit anywhere, another counter, or another key', () => {
    const record = sealSessionRecord({ keys, counter: 0n, deadlineBlock: 500n, command: transfer(0n) })
    for (const at of [0, 15, 16, 50, 95]) {
      const tampered = record.slice()
      tampered[at]! ^= 1
      expect(openSessionRecord(keys.encKey, 0n, caller, tampered), `byte ${at}`).toBeUndefined()
    }
    expect(openSessionRecord(keys.encKey, 1n, caller, record)).toBeUndefined()
    expect(openSessionRecord(keys.tagKey, 0n, caller, record)).toBeUndefined()
    expect(openSessionRecord(keys.encKey, 0n, caller, record.subarray(0, 95))).toBeUndefined()
  })

  it('use the nonce u32 0 ‖ u64 counter (big-endian) and carry the deadline exactly, at the edges of u32 and u64', () => {
    expect(bytesToHex(sessionNonce(0n))).toBe('0x000000000000000000000000')
    expect(bytesToHex(sessionNonce(0x0102030405060708n))).toBe('0x000000000102030405060708')
    expect(bytesToHex(sessionNonce(2n ** 32n - 1n))).toBe('0x0000000000000000ffffffff')
    expect(bytesToHex(sessionNonce(2n ** 32n))).toBe('0x000000000000000100000000')
    expect(bytesToHex(sessionNonce(2n ** 64n - 1n))).toBe('0x00000000ffffffffffffffff')
    for (const deadlineBlock of [0n, 2n ** 32n - 1n, 2n ** 32n, 0x8000000000000001n, 2n ** 64n - 1n]) {
      const record = sealSessionRecord({ keys, counter: 1n, deadlineBlock, command: transfer(1n) })
      expect(openSessionRecord(keys.encKey, 1n, caller, record)?.deadlineBlock).toBe(deadlineBlock)
    }
  })

  it('refuse a command too large for the 64-byte plaintext', () => {
    const transferFrom = encodeCoreCommand(alice, 0n, { op: 'transferFrom', from: bob, to: alice, amount: 1n })
    expect(() => sealSessionRecord({ keys, counter: 0n, deadlineBlock: 1n, command: transferFrom })).toThrow(RangeError)
  })
})
