/**
 * Read reply v2's TypeScript decoder refuses every byte string this build's core would not write (the golden vectors
 * in runtime/core/readReply.test.ts show both sides write the same bytes).
 */
import { getAddress, type Address } from 'viem'
import { describe, expect, it } from 'vitest'
import { ATTRIBUTE_KYC } from '../shared/apps/identity'
import { FAIL_INSUFFICIENT_BALANCE } from '../shared/apps/token'
import { APP_IDENTITY, APP_TOKEN, READ_ENTRY_BYTES, READ_HISTORY_ENTRIES, READ_REPLY_BYTES } from '../shared/constants'
import { ReadReplyError } from './apps/readSection'
import { decodeReadReply, encodeReadReply, type AccountReply, type HistoryEntry } from './readReply'

const bob: Address = getAddress('0xffffffffffffffffffffffffffffffffffffb0b0')

// Offsets in the layout (shared/constants.ts): version 1, core section 35, then app id + section per app.
const RECEIPT_FLAG = 17
const TOKEN_ID = 36
const SESSION_FLAG = 54
const IDENTITY_ID = 79
const IDENTITY_ATTRIBUTES = 81
const HISTORY_COUNT = 92
const ENTRY = HISTORY_COUNT + 1
const ENTRY_DIRECTION = ENTRY + 8
const ENTRY_APP = ENTRY + 9
const ENTRY_OP = ENTRY + 10

const entry = (seq: bigint): HistoryEntry => ({
  seq,
  direction: 'sent',
  op: 'transfer',
  counterparty: bob,
  amount: 60n,
  code: 0,
  nonce: seq,
})

const aReply = (history: HistoryEntry[] = [entry(1n)]): AccountReply => ({
  nonce: 2n,
  seq: 9n,
  receipt: { nonce: 1n, code: FAIL_INSUFFICIENT_BALANCE, seq: 8n },
  apps: {
    token: { balance: 40n },
    session: { epoch: 1n, expiresBlock: 500n, next: 3n },
    identity: { present: true, attributes: ATTRIBUTE_KYC, jurisdiction: 392, expiresBlock: 1000n },
  },
  history,
})

/** The encoding of a valid reply with the byte at `at` set to `value`. */
function withByte(at: number, value: number): Uint8Array {
  const bytes = encodeReadReply(aReply())
  bytes[at] = value
  return bytes
}

const refusal = (bytes: Uint8Array) => {
  try {
    decodeReadReply(bytes)
  } catch (error) {
    expect(error).toBeInstanceOf(ReadReplyError)
    return (error as Error).message
  }
  throw new Error('decoded a reply it should refuse')
}

describe('read reply v2', () => {
  it('round-trips a reply with every app section and a full history, in one bucket size', () => {
    const full = aReply(Array.from({ length: READ_HISTORY_ENTRIES }, (_, i) => entry(BigInt(i + 1))))
    const bytes = encodeReadReply(full)
    expect(bytes.byteLength).toBe(READ_REPLY_BYTES)
    expect(decodeReadReply(bytes)).toEqual(full)
    const empty = {
      ...aReply([]),
      receipt: undefined,
      apps: {
        token: { balance: 0n },
        session: undefined,
        identity: { present: false, attributes: 0, jurisdiction: 0, expiresBlock: 0n },
      },
    }
    expect(encodeReadReply(empty).byteLength).toBe(READ_REPLY_BYTES)
    expect(decodeReadReply(encodeReadReply(empty))).toEqual(empty)
  })

  it('names each history entry by its app id and op: an identity op is read as itself', () => {
    const attest: HistoryEntry = { ...entry(4n), op: 'attest', amount: 0n }
    const bytes = encodeReadReply(aReply([attest]))
    expect([bytes[ENTRY_APP], bytes[ENTRY_OP]]).toEqual([APP_IDENTITY, 2])
    expect(decodeReadReply(bytes).history).toEqual([attest])
  })

  it('error: an unknown op in a history entry is refused, not read as a transfer', () => {
    expect(refusal(withByte(ENTRY_OP, 0x7f))).toBe('read reply: history entry 0 has unknown op 127 of app 1')
    // The op byte of a transfer under another app names no op either.
    expect(refusal(withByte(ENTRY_APP, 0x7f))).toBe('read reply: history entry 0 has unknown op 3 of app 127')
  })

  it('error: a reply of another length is refused', () => {
    const bytes = encodeReadReply(aReply())
    expect(refusal(bytes.subarray(0, READ_REPLY_BYTES - 1))).toBe('read reply is 2047 bytes, not 2048')
    expect(refusal(Uint8Array.from([...bytes, 0]))).toBe('read reply is 2049 bytes, not 2048')
  })

  it('error: an unknown version is refused', () => {
    expect(refusal(withByte(0, 1))).toBe('read reply version 1 is unknown (this wallet reads 2)')
    expect(refusal(withByte(0, 3))).toBe('read reply version 3 is unknown (this wallet reads 2)')
  })

  it('error: app ids out of registry order, or unknown, are refused', () => {
    expect(refusal(withByte(TOKEN_ID, APP_IDENTITY))).toBe(
      'read reply: app 3 is out of registry order (app 1 comes here)',
    )
    expect(refusal(withByte(IDENTITY_ID, APP_TOKEN))).toBe(
      'read reply: app 1 is out of registry order (app 3 comes here)',
    )
    expect(refusal(withByte(TOKEN_ID, 0x7f))).toBe('read reply: unknown app id 127')
  })

  it('error: a history count over 32 is refused', () => {
    expect(refusal(withByte(HISTORY_COUNT, READ_HISTORY_ENTRIES + 1))).toBe(
      'read reply: 33 history entries, at most 32 fit',
    )
  })

  it('error: nonzero padding is refused, right after the last entry and at the very end', () => {
    const afterEntries = ENTRY + READ_ENTRY_BYTES
    expect(refusal(withByte(afterEntries, 1))).toBe(`read reply: nonzero padding at byte ${afterEntries}`)
    expect(refusal(withByte(READ_REPLY_BYTES - 1, 1))).toBe('read reply: nonzero padding at byte 2047')
  })

  it('error: flags other than 0 or 1, fields beside an absent flag, unknown attributes and directions are refused', () => {
    expect(refusal(withByte(RECEIPT_FLAG, 2))).toBe('read reply: receipt flag is 2, not 0 or 1')
    expect(refusal(withByte(SESSION_FLAG, 0))).toBe('read reply: session is absent but has nonzero fields')
    expect(refusal(withByte(IDENTITY_ATTRIBUTES, 0x80))).toBe('read reply: unknown identity attributes 0x80')
    expect(refusal(withByte(ENTRY_DIRECTION, 2))).toBe('read reply: history entry 0 has direction 2')
  })

  it('error: the encoder refuses more history than a reply holds', () => {
    const tooMany = Array.from({ length: READ_HISTORY_ENTRIES + 1 }, (_, i) => entry(BigInt(i)))
    expect(() => encodeReadReply(aReply(tooMany))).toThrow(RangeError)
  })
})
