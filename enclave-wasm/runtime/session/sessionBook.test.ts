import { describe, expect, it } from 'vitest'
import { encodeCoreCommand } from '../../envelopes/coreCommands'
import { deriveSessionKeys, sealSessionRecord } from '../../envelopes/sessionEnvelope'
import { emptyEffects } from '../effects/effectsStore'
import { emptyGroupState, ZERO_HASH } from '../group/groupState'
import { createSessionBook } from './sessionBook'

const LEDGER = '0x5FbDB2315678afecb367f032d93F642f64180aa3'
const ALICE = '0x70997970c51812dc3a010c7d01b50e0d17dc79c8'
const SESSION_KEY = new Uint8Array(32).fill(7)

function aBook() {
  const group = emptyGroupState(31337n, LEDGER, ZERO_HASH)
  group.epoch = 1n
  const effects = emptyEffects()
  const book = createSessionBook(group, effects)
  book.start(ALICE, SESSION_KEY, 1_000n)
  const record = sealSessionRecord({
    keys: deriveSessionKeys(SESSION_KEY, group.chainId, LEDGER, 1),
    counter: 0n,
    deadlineBlock: 100n,
    command: encodeCoreCommand(ALICE, 0n, { op: 'transfer', to: LEDGER, amount: 1n }),
  })
  return { group, effects, book, record }
}

describe('the session book', () => {
  it("finds a live session's next record by its tag", () => {
    const { book, record } = aBook()
    expect(book.find(record)).toMatchObject({ account: ALICE, counter: 0n })
    expect(book.of(ALICE)).toMatchObject({ epoch: 1n, next: 0n })
  })

  it('attack: after a rekey, a session of the earlier epoch opens nothing and is dropped from the effects', () => {
    // A member removed by the rekey kept copies of the session's keys; its records must not apply in the new epoch.
    const { group, effects, book, record } = aBook()
    group.epoch = 2n
    expect(book.find(record)).toBeUndefined()
    expect(book.of(ALICE)).toBeUndefined()
    expect(effects.sessions).toEqual({})
  })
})
