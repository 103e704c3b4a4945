/** The relayer's durable state, one JSON blob: records accepted and not yet posted, and batches posted, not yet final. */
import { bytesToHex, hexToBytes, isHex, type Hash } from 'viem'
import { InvalidRelayerQueueError } from '../errors/relayer'
import { RECORD_BYTES, SESSION_RECORD_BYTES } from '../ledger/constants'

/** A batch sent in transaction `hash`, kept until its block is final. */
export type PostedBatch = { hash: Hash; records: Uint8Array[] }

export type RelayerQueueState = {
  /** In acceptance order (each lane keeps its order: a session's records apply only at their counters). */
  queued: Uint8Array[]
  posted: PostedBatch[]
}

/** Encodes the state as the file holds it: records as 0x-hex. */
export function encodeRelayerQueue(state: RelayerQueueState): Uint8Array {
  const json = {
    version: 1,
    queued: state.queued.map((record) => bytesToHex(record)),
    posted: state.posted.map(({ hash, records }) => ({ hash, records: records.map((r) => bytesToHex(r)) })),
  }
  return new TextEncoder().encode(`${JSON.stringify(json)}\n`)
}

/** Parses a queue file; throws `InvalidRelayerQueueError` on anything it would not have written. */
export function decodeRelayerQueue(blob: Uint8Array): RelayerQueueState {
  const fail = (problem: string): never => {
    throw new InvalidRelayerQueueError({ problem })
  }
  let value: unknown
  try {
    value = JSON.parse(new TextDecoder().decode(blob))
  } catch {
    return fail('not JSON')
  }
  const v = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>
  if (v.version !== 1) fail(`unsupported version ${String(v.version)}`)
  const records = (list: unknown, where: string) => {
    if (!Array.isArray(list)) return fail(`${where} is not a list`)
    return list.map((hex: unknown) => {
      const bytes = typeof hex === 'string' && isHex(hex) ? hexToBytes(hex) : undefined
      if (!bytes || (bytes.byteLength !== RECORD_BYTES && bytes.byteLength !== SESSION_RECORD_BYTES))
        return fail(`${where} holds something that is not a command record`)
      return bytes
    })
  }
  if (!Array.isArray(v.posted)) return fail('posted is not a list')
  const posted = v.posted.map((entry: unknown) => {
    const p = (typeof entry === 'object' && entry !== null ? entry : {}) as Record<string, unknown>
    if (typeof p.hash !== 'string' || !isHex(p.hash) || p.hash.length !== 66)
      return fail('a posted hash is not 32 bytes')
    return { hash: p.hash as Hash, records: records(p.records, 'a posted batch') }
  })
  return { queued: records(v.queued, 'queued'), posted }
}
