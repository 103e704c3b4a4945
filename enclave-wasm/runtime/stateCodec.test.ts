/** The sealed state's binary encoding: exact round trips, a golden vector, and refusal of malformed bytes. */
import { bytesToHex, hexToBytes } from 'viem'
import { describe, expect, it } from 'vitest'
import { decodeState, encodeState } from './stateCodec'

describe('stateCodec', () => {
  it('golden vector: tags, interned keys and lowercase hex as bytes', () => {
    const value = { seq: 300n, a: [{ seq: 1 }, '0xab', 'Hi', true, undefined, null, Uint8Array.of(7)], n: -2n, f: 0.5 }
    const golden = [
      '0c 04', // object, 4 entries
      '00 08 03 736571',
      '05 ac02', // new key 0 "seq": bigint 300
      '01 08 01 61',
      '0b 07', // new key 1 "a": array of 7
      '0c 01',
      '00',
      '04 01', // { seq (key 0): 1 }
      '09 01 ab',
      '08 02 4869',
      '03',
      '00',
      '01',
      '0a 01 07', // '0xab', 'Hi', true, undefined, null, bytes 07
      '02 08 01 6e',
      '06 02', // new key 2 "n": -2n
      '03 08 01 66',
      '07 3fe0000000000000', // new key 3 "f": 0.5
    ]
    expect(bytesToHex(encodeState(value))).toBe(`0x${golden.join('').replace(/ /g, '')}`)
    expect(decodeState(encodeState(value))).toEqual(value)
  })

  it('golden vector: a pending rekey (sealed state format 5) with its signers, bigints and opened share', () => {
    const value = {
      pendingRekey: { epoch: 2n, seq: 9n, acks: ['0xab'], secret: Uint8Array.of(1, 2) },
      epochSecret: undefined,
    }
    const golden = [
      '0c 02', // object, 2 entries
      '00 08 0c 70656e64696e6752656b6579',
      '0c 04', // new key 0 "pendingRekey": object of 4
      '01 08 05 65706f6368',
      '05 02', // new key 1 "epoch": bigint 2
      '02 08 03 736571',
      '05 09', // new key 2 "seq": bigint 9
      '03 08 04 61636b73',
      '0b 01 09 01 ab', // new key 3 "acks": ['0xab']
      '04 08 06 736563726574',
      '0a 02 0102', // new key 4 "secret": bytes 01 02
      '05 08 0b 65706f6368536563726574',
      '00', // new key 5 "epochSecret": undefined, kept as an entry
    ]
    expect(bytesToHex(encodeState(value))).toBe(`0x${golden.join('').replace(/ /g, '')}`)
    expect(decodeState(encodeState(value))).toEqual(value)
    expect(Object.keys(decodeState(encodeState(value)) as object)).toEqual(['pendingRekey', 'epochSecret'])
  })

  it('round-trips a group state exactly: key order, bigints, bytes, checksummed and lowercase addresses', () => {
    const state = {
      chainId: 31337n,
      ledger: '0x5FbDB2315678afecb367f032d93F642f64180aa3',
      members: [{ signer: '0x19C81d7E4f4238659b491142E0A4F1360d5E4fa9', initKey: `0x${'ab'.repeat(32)}` }],
      epochSecret: new Uint8Array(32).fill(9),
      pendingRekey: {
        epoch: 3n,
        seq: 41n,
        proposer: '0x19C81d7E4f4238659b491142E0A4F1360d5E4fa9',
        cmdPubKey: `0x${'cd'.repeat(32)}`,
        commit: `0x${'ef'.repeat(32)}`,
        acks: ['0x19C81d7E4f4238659b491142E0A4F1360d5E4fa9'],
        complaints: [],
        secret: undefined,
      },
      receipts: Object.fromEntries(
        Array.from({ length: 50 }, (_, i) => [
          `0x${i.toString(16).padStart(40, '0')}`,
          { nonce: BigInt(i), code: i % 3, seq: 7n },
        ]),
      ),
      lastRekeyRefusal: undefined,
      removed: false,
      text: 'épique 🙂',
      big: 2n ** 200n,
    }
    const decoded = decodeState(encodeState(state)) as typeof state
    expect(decoded).toEqual(state)
    expect(Object.keys(decoded)).toEqual(Object.keys(state))
    expect(Object.keys(decoded.receipts)).toEqual(Object.keys(state.receipts))
  })

  it('grows with the state: 1,000 receipts cost about 34 bytes each, keys written once', () => {
    const receipts = Object.fromEntries(
      Array.from({ length: 1000 }, (_, i) => [
        `0x${(i + 1).toString(16).padStart(40, '0')}`,
        { nonce: 1n, code: 8, seq: 9n },
      ]),
    )
    const size = encodeState({ receipts }).byteLength
    expect(size).toBeGreaterThan(1000 * 20)
    expect(size).toBeLessThan(1000 * 36)
  })

  it('error: a value the format does not carry is refused with its path', () => {
    expect(() => encodeState({ group: { sessions: new Map() } })).toThrow('state.group.sessions')
  })

  it('error: truncated, trailing, unknown-tag and overlong bytes are refused', () => {
    const good = encodeState({ a: [1, 2, 3] })
    expect(() => decodeState(good.subarray(0, good.byteLength - 1))).toThrow('truncated')
    expect(() => decodeState(Uint8Array.of(...good, 0))).toThrow('trailing')
    expect(() => decodeState(Uint8Array.of(0xee))).toThrow('unknown tag')
    expect(() => decodeState(hexToBytes('0x0bffffffff0f'))).toThrow('past the sealed state')
    expect(() => decodeState(hexToBytes('0x0c01050000000000000000'))).toThrow('unknown key reference')
  })
})
