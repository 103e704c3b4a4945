import { describe, expect, it } from 'vitest'
import { InvalidRelayerQueueError } from '../errors/relayer'
import { RECORD_BYTES, SESSION_RECORD_BYTES } from '../ledger/constants'
import { decodeRelayerQueue, encodeRelayerQueue, type RelayerQueueState } from './relayerQueue'

const aRecord = (bytes: number, fill: number) => new Uint8Array(bytes).fill(fill)
const aState = (): RelayerQueueState => ({
  queued: [aRecord(RECORD_BYTES, 1), aRecord(SESSION_RECORD_BYTES, 2)],
  posted: [{ hash: `0x${'ab'.repeat(32)}`, records: [aRecord(RECORD_BYTES, 3)] }],
})
const file = (value: unknown) => new TextEncoder().encode(JSON.stringify(value))

describe('relayerQueue', () => {
  it('default: what it encodes decodes to the same records and batches', () => {
    expect(decodeRelayerQueue(encodeRelayerQueue(aState()))).toEqual(aState())
  })

  it('error: refuses a file it would not have written', () => {
    const bad = [
      new TextEncoder().encode('{'),
      file({ version: 2, queued: [], posted: [] }),
      file({ version: 1, queued: ['0x1234'], posted: [] }),
      file({ version: 1, queued: [], posted: [{ hash: '0x12', records: [] }] }),
      file({ version: 1, queued: {}, posted: [] }),
    ]
    for (const blob of bad) expect(() => decodeRelayerQueue(blob)).toThrow(InvalidRelayerQueueError)
  })
})
