import { describe, expect, it } from 'vitest'
import type { LedgerInput } from '../../enclave-wasm/protocol'
import { ingestChunks } from './ingestChunks'

const input = (seq: number, bytes: number): LedgerInput => ({
  seq: BigInt(seq),
  kind: 1,
  payload: new Uint8Array(bytes),
  acc: '0x',
})
const sizes = (chunks: LedgerInput[][]) => chunks.map((chunk) => chunk.map((i) => i.payload.length))

describe('ingestChunks', () => {
  it('bounds each call by count and by payload bytes, in order, losing nothing', () => {
    const inputs = [input(1, 10), input(2, 60), input(3, 40), input(4, 1), input(5, 1), input(6, 1)]
    const chunks = [...ingestChunks(inputs, { maxInputs: 2, maxBytes: 100 })]
    expect(sizes(chunks)).toEqual([
      [10, 60],
      [40, 1],
      [1, 1],
    ])
    expect(sizes([...ingestChunks(inputs, { maxInputs: 10, maxBytes: 100 })])).toEqual([
      [10, 60],
      [40, 1, 1, 1],
    ])
    expect(chunks.flat().map((i) => i.seq)).toEqual(inputs.map((i) => i.seq))
  })

  it('sends an input larger than the byte bound alone rather than never', () => {
    const chunks = [...ingestChunks([input(1, 5), input(2, 500), input(3, 5)], { maxInputs: 10, maxBytes: 100 })]
    expect(sizes(chunks)).toEqual([[5], [500], [5]])
  })

  it('yields nothing for nothing', () => {
    expect([...ingestChunks([], { maxInputs: 10, maxBytes: 100 })]).toEqual([])
  })
})
