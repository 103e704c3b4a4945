/**
 * Golden vectors for read reply v2 (envelopes/readReply.vectors.json): for a fixed core state and what the runtime
 * holds, the compiled core composes the committed bytes, the TypeScript twin encodes the same bytes from the decoded
 * reply, and the wallet's decoder reads them back to that reply.
 */
import { bytesToHex, hexToBytes, type Address, type Hex } from 'viem'
import { describe, expect, it } from 'vitest'
import vectors from '../../envelopes/readReply.vectors.json'
import type { CoreCommand } from '../../envelopes/coreCommands'
import {
  decodeReadReply,
  encodeReadReply,
  encodeReadRequest,
  type AccountReply,
  type HistoryEntry,
} from '../../envelopes/readReply'
import { READ_REPLY_BYTES } from '../../shared/constants'
import { aCore, coreExports, reviveBigints, sender } from './core.fixture'

type Vector = { account: Address; commands: [Address, CoreCommand][]; reply: AccountReply; bytes: Hex }

describe('read reply v2 golden vectors', () => {
  it('has an empty and a full vector', () => {
    expect(Object.keys(vectors)).toEqual(['empty', 'full'])
  })

  for (const [name, json] of Object.entries(vectors))
    it(`${name}: the core and the TypeScript twin write the golden bytes, which decode to the reply`, async () => {
      const { account, commands, reply, bytes } = reviveBigints<Vector>(json)
      expect(hexToBytes(bytes).byteLength).toBe(READ_REPLY_BYTES)
      const core = await aCore()
      const send = sender(core)
      for (const [from, command] of commands) expect(send(from, command).code).toBe(0)
      const { seq, receipt, history, apps } = reply
      expect(bytesToHex(core.readReply(account, { seq, receipt, history, apps: { session: apps.session } }))).toBe(
        bytes,
      )
      expect(bytesToHex(encodeReadReply(reply))).toBe(bytes)
      expect(decodeReadReply(hexToBytes(bytes))).toEqual(reply)
    })
})

describe('read requests', () => {
  it('error: the core refuses a request with more history than a reply holds, one naming no app, or a short one', async () => {
    const core = await coreExports()
    const account: Address = '0x00000000000000000000000000000000000a11ce'
    const entry: HistoryEntry = {
      seq: 1n,
      direction: 'sent',
      op: 'transfer',
      counterparty: account,
      amount: 1n,
      code: 0,
      nonce: 0n,
    }
    const request = encodeReadRequest(account, {
      seq: 1n,
      receipt: undefined,
      history: [entry],
      apps: { session: undefined },
    })
    const read = (bytes: Uint8Array) => {
      new Uint8Array(core.memory.buffer).set(bytes, core.inputPtr())
      return core.read(bytes.byteLength)
    }
    expect(read(request)).toBe(READ_REPLY_BYTES)
    // Offsets in the request: account 20, seq 8, receipt 19, then the history count and the entry's app byte.
    const COUNT = 47
    expect(read(request.map((byte, i) => (i === COUNT ? 33 : byte)))).toBe(-1)
    expect(read(request.map((byte, i) => (i === COUNT + 1 + 9 ? 0x7f : byte)))).toBe(-1)
    expect(read(request.subarray(0, -1))).toBe(-1)
  })
})
