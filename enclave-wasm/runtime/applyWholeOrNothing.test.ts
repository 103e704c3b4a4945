import { describe, expect, it } from 'vitest'
import { INPUT_KIND, type LedgerInput } from '../protocol'
import { applyWholeOrNothing, BrokenInvariantError } from './applyWholeOrNothing'
import { InputRejectedError } from './group/inputRejectedError'
import { emptyGroupState, ZERO_HASH } from './group/groupState'

const LEDGER = '0x5FbDB2315678afecb367f032d93F642f64180aa3'
const anInput = (kind: number): LedgerInput => ({ seq: 1n, kind, payload: new Uint8Array(0), acc: ZERO_HASH })
const aGroup = () => {
  const group = emptyGroupState(31337n, LEDGER, ZERO_HASH)
  group.members.push({
    signer: LEDGER,
    operator: LEDGER,
    initKey: ZERO_HASH,
    measurement: ZERO_HASH,
    admitted: true,
    addedAt: 1n,
    vouched: true,
  })
  group.epochMembers.push(LEDGER)
  return group
}

describe('applyWholeOrNothing', () => {
  it('rolls a group input that fails half-way back to the state before it, and refuses it', async () => {
    const group = aGroup()
    const before = structuredClone(group)
    const failing = applyWholeOrNothing(group, anInput(INPUT_KIND.rekey), async () => {
      group.epoch = 1n
      group.members[0]!.initKey = `0x${'11'.repeat(32)}`
      group.epochMembers = []
      throw new TypeError("Cannot read properties of undefined (reading 'length')")
    })
    await expect(failing).rejects.toThrow(InputRejectedError)
    await expect(failing).rejects.toThrow('input 1 (kind 4) cannot be applied')
    expect(group).toEqual(before)
  })

  it('passes a refusal of a command batch through: nothing was applied yet', async () => {
    const refusal = new InputRejectedError("input 1 does not match the chain's accumulator")
    await expect(
      applyWholeOrNothing(aGroup(), anInput(INPUT_KIND.commandBatch), () => Promise.reject(refusal)),
    ).rejects.toBe(refusal)
  })

  it('error: a command batch that fails inside is a broken invariant (the core changed in place)', async () => {
    const failing = applyWholeOrNothing(aGroup(), anInput(INPUT_KIND.sessionBatch), () =>
      Promise.reject(new WebAssembly.RuntimeError('unreachable')),
    )
    await expect(failing).rejects.toThrow(BrokenInvariantError)
  })
})
