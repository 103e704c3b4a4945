/** The enclave's session opener and tags against the host's (envelopes/sessionEnvelope.ts, on @noble/ciphers). */
import { hexToBytes, type Address } from 'viem'
import { describe, expect, it } from 'vitest'
import { encodeCoreCommand } from '../../envelopes/coreCommands'
import * as host from '../../envelopes/sessionEnvelope'
import { openSessionRecord, sessionTag } from './sessionRecords'

const alice: Address = '0x00000000000000000000000000000000000a11ce'
const bob: Address = '0x0000000000000000000000000000000000000b0b'
const ledger: Address = '0x5FbDB2315678afecb367f032d93F642f64180aa3'
const keys = host.deriveSessionKeys(new Uint8Array(32).fill(9), 31337n, ledger, 1)
const caller = hexToBytes(alice)
const aRecord = (counter: bigint, nonce = counter) =>
  host.sealSessionRecord({
    keys,
    counter,
    deadlineBlock: 500n + counter,
    command: encodeCoreCommand(alice, nonce, { op: 'transfer', to: bob, amount: 60n }),
  })

describe('session records in the enclave', () => {
  it('carry the tags the host computes, for every counter of a window and far ahead', () => {
    for (const counter of [0n, 1n, 7n, 255n, 256n, 2n ** 32n, 2n ** 64n - 1n])
      expect(sessionTag(keys.tagKey, counter)).toEqual(host.sessionTag(keys.tagKey, counter))
  })

  it('open what the host sealed exactly as the host opener does', () => {
    for (let counter = 0n; counter < 32n; counter++) {
      const record = aRecord(counter)
      expect(openSessionRecord(keys.encKey, counter, caller, record)).toEqual(
        host.openSessionRecord(keys.encKey, counter, caller, record),
      )
      expect(openSessionRecord(keys.encKey, counter, caller, record)?.command).toEqual(
        encodeCoreCommand(alice, counter, { op: 'transfer', to: bob, amount: 60n }),
      )
    }
  })

  it('error: refuse a flipped bit anywhere, another counter, another key, or another length', () => {
    const record = aRecord(0n)
    for (let at = 0; at < host.SESSION_RECORD_BYTES; at++) {
      const tampered = record.slice()
      tampered[at]! ^= 1 << (at % 8)
      expect(openSessionRecord(keys.encKey, 0n, caller, tampered), `byte ${at}`).toBeUndefined()
    }
    expect(openSessionRecord(keys.encKey, 1n, caller, record)).toBeUndefined()
    expect(openSessionRecord(keys.tagKey, 0n, caller, record)).toBeUndefined()
    expect(openSessionRecord(keys.encKey, 0n, caller, record.subarray(0, 95))).toBeUndefined()
    expect(openSessionRecord(keys.encKey, 0n, caller, new Uint8Array([...record, 0]))).toBeUndefined()
  })
})
