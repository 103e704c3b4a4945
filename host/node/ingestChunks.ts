/**
 * Splits a catch-up into ingest calls bounded by payload bytes as well as by count: one command batch is up to
 * ~40 KB of records whose signatures the enclave recovers one by one, so a hundred full batches in one call can
 * outlast the enclave client's per-request timeout on a loaded machine, while a hundred membership inputs are quick.
 */
import type { LedgerInput } from '../../enclave-wasm/protocol'

export type IngestBounds = { maxInputs: number; maxBytes: number }

/** Consecutive slices of `inputs`, each within `bounds` (an input larger than `maxBytes` goes alone). */
export function* ingestChunks(inputs: readonly LedgerInput[], bounds: IngestBounds): Generator<LedgerInput[]> {
  let start = 0
  while (start < inputs.length) {
    let end = start
    let bytes = 0
    while (end < inputs.length && end - start < bounds.maxInputs) {
      const size = inputs[end]!.payload.length
      if (end > start && bytes + size > bounds.maxBytes) break
      bytes += size
      end++
    }
    yield inputs.slice(start, end)
    start = end
  }
}
