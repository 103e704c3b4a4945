/**
 * Golden vectors for read reply v2 (envelopes/readReply.vectors.json): for a fixed core state and what the runtime
 * holds, the compiled core composes the committed bytes, the TypeScript twin encodes the same bytes from the decoded
 * reply, and the wallet's decoder reads them back to that reply.
 */
import { bytesToHex, hexToBytes, type Address, type Hex } from 'viem'
import { describe, expect, it } from 'vitest'
import vectors from '../../envelopes/readReply.vectors.json'
import type { CoreCommand } from '../../envelopes/coreCommands'
import { decodeReadReply, encodeReadReply, type AccountReply } from '../../envelopes/readReply'
import { READ_REPLY_BYTES } from '../../shared/constants'
import { aCore, reviveBigints, sender } from './core.fixture'

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
