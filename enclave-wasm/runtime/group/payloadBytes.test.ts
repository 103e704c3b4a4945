import { bytesToHex, type Hex } from 'viem'
import { describe, expect, it } from 'vitest'
import { payloadBytes } from './payloadBytes'

describe('payloadBytes', () => {
  it('decodes what bytesToHex encodes, for every byte value and the empty payload', () => {
    const every = Uint8Array.from({ length: 256 }, (_, i) => i)
    expect(payloadBytes(bytesToHex(every))).toEqual(every)
    expect(payloadBytes('0x')).toEqual(new Uint8Array(0))
  })

  it('error: refuses odd lengths, a missing prefix, uppercase and non-hex characters', () => {
    for (const bad of ['0x0', '00', 'x000', '0xAB', '0x0g', '0x 0', '0x\u0130\u0131', '0x٠٠'])
      expect(() => payloadBytes(bad as Hex), bad).toThrow(RangeError)
  })
})
