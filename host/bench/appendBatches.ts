/** Builds Ledger inputs off chain, exactly as the Ledger would sequence them, so a bench can feed an enclave directly. */
import { nextAccumulator } from '../../enclave-wasm/envelopes/inputAccumulator'
import type { Hex, LedgerInput } from '../../enclave-wasm/protocol'

/** Where a stream stands: its last sequence number and accumulator. */
export type StreamTip = { seq: bigint; acc: Hex }

export type AppendBatchesParameters = {
  /** `INPUT_KIND.commandBatch` or `INPUT_KIND.sessionBatch`: both payloads are uint64 block ‖ records. */
  kind: number
  /** The block the batches count as sequenced in; command deadlines are checked against it. */
  block: bigint
  batches: Uint8Array[][]
}

/**
 * One input per batch after `tip`, with the accumulators the Ledger would log.
 * @example
 * const inputs = appendBatches({ seq, acc }, { kind: INPUT_KIND.sessionBatch, block, batches: [records] })
 */
export function appendBatches(tip: StreamTip, { kind, block, batches }: AppendBatchesParameters): LedgerInput[] {
  let { seq, acc } = tip
  return batches.map((records) => {
    const payload = new Uint8Array(8 + records.reduce((bytes, record) => bytes + record.byteLength, 0))
    new DataView(payload.buffer).setBigUint64(0, block)
    let offset = 8
    for (const record of records) {
      payload.set(record, offset)
      offset += record.byteLength
    }
    seq += 1n
    acc = nextAccumulator(acc, seq, kind, payload)
    return { seq, kind, payload, acc }
  })
}
