import { describe, expect, it } from 'vitest'
import { measure, measurementHex } from './measure'

const bytes = (...values: number[]) => new Uint8Array(values)
const anImage = (overrides: Partial<Parameters<typeof measure>[0]> = {}) => ({
  core: bytes(0x00, 0x61, 0x73, 0x6d),
  worker: new TextEncoder().encode('self.onmessage = () => {}'),
  config: new TextEncoder().encode('{"platform":"simulation"}'),
  ...overrides,
})

describe('measure', () => {
  it('matches the committed golden vector', () => {
    // Computed independently (Python hashlib over the documented layout); a change to the format breaks it.
    expect(measurementHex(measure(anImage()))).toBe(
      '0x5a9fb5c89a23660516208b1149301d308954f354f33776fd45c6b8d5418f0772',
    )
  })

  it('changes when any part changes', () => {
    const base = measurementHex(measure(anImage()))
    expect(measurementHex(measure(anImage({ core: bytes(0x00, 0x61, 0x73, 0x6e) })))).not.toBe(base)
    expect(measurementHex(measure(anImage({ worker: bytes(1) })))).not.toBe(base)
    expect(measurementHex(measure(anImage({ config: bytes(1) })))).not.toBe(base)
  })

  it('binds the split between parts: moving a byte from one part to the next changes it', () => {
    const a = measure({ core: bytes(1, 2), worker: bytes(3), config: bytes() })
    const b = measure({ core: bytes(1), worker: bytes(2, 3), config: bytes() })
    expect(measurementHex(a)).not.toBe(measurementHex(b))
  })
})
