import { describe, expect, it } from 'vitest'
import { InvalidBatchError } from '../errors/ledger'
import { checkBatch } from './checkBatch'
import { MAX_RECORDS_PER_BATCH, RECORD_BYTES, SESSION_RECORD_BYTES } from './constants'

const records = (count: number, recordBytes: number) => Array.from({ length: count }, () => new Uint8Array(recordBytes))
const errorOf = (run: () => void) => {
  try {
    run()
  } catch (error) {
    return error
  }
  throw new Error('checkBatch accepted the batch')
}

describe('checkBatch', () => {
  it.each([RECORD_BYTES, SESSION_RECORD_BYTES])(
    'accepts 1 to MAX_RECORDS_PER_BATCH records of %i bytes',
    (recordBytes) => {
      expect(() => checkBatch(records(1, recordBytes), recordBytes)).not.toThrow()
      expect(() => checkBatch(records(MAX_RECORDS_PER_BATCH, recordBytes), recordBytes)).not.toThrow()
    },
  )

  it('error: an empty batch', () => {
    expect(errorOf(() => checkBatch([], SESSION_RECORD_BYTES))).toMatchObject({
      name: 'InvalidBatchError',
      shortMessage: 'The batch cannot be submitted: it is empty.',
    })
  })

  it('error: more than MAX_RECORDS_PER_BATCH records', () => {
    const error = errorOf(() =>
      checkBatch(records(MAX_RECORDS_PER_BATCH + 1, SESSION_RECORD_BYTES), SESSION_RECORD_BYTES),
    )
    expect(error).toBeInstanceOf(InvalidBatchError)
    expect((error as InvalidBatchError).shortMessage).toContain(`it has ${MAX_RECORDS_PER_BATCH + 1} records`)
  })

  it('error: a record of the other kind, named by index, with the expected size in the remedy', () => {
    const batch = [...records(2, SESSION_RECORD_BYTES), new Uint8Array(RECORD_BYTES)]
    const error = errorOf(() => checkBatch(batch, SESSION_RECORD_BYTES)) as InvalidBatchError
    expect(error.shortMessage).toBe(`The batch cannot be submitted: record 2 is ${RECORD_BYTES} bytes.`)
    expect(error.metaMessages).toEqual([
      `A batch holds 1 to ${MAX_RECORDS_PER_BATCH} records of exactly ${SESSION_RECORD_BYTES} bytes.`,
    ])
  })
})
