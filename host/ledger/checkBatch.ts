/** The Ledger's batch format, checked on the host before a batch is sent (submitBatch, submitSessionBatch). */
import { InvalidBatchError } from '../errors/ledger'
import { MAX_RECORDS_PER_BATCH } from './constants'

/**
 * Throws `InvalidBatchError` unless `records` holds 1 to MAX_RECORDS_PER_BATCH records of exactly `recordBytes`,
 * the same rule as the Ledger's `_checkBatch`, so a bad batch fails here instead of costing a reverted transaction.
 */
export function checkBatch(records: readonly Uint8Array[], recordBytes: number): void {
  if (records.length === 0) throw new InvalidBatchError({ problem: 'it is empty', recordBytes })
  if (records.length > MAX_RECORDS_PER_BATCH)
    throw new InvalidBatchError({ problem: `it has ${records.length} records`, recordBytes })
  const wrong = records.findIndex((record) => record.byteLength !== recordBytes)
  if (wrong !== -1)
    throw new InvalidBatchError({ problem: `record ${wrong} is ${records[wrong]!.byteLength} bytes`, recordBytes })
}
