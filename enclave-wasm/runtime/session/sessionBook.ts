/**
 * The enclave's sessions (the fast path): which account each live session belongs to, and an index from the tags
 * its next commands will carry to (account, counter), so a 96-byte record finds its session in one lookup. The
 * sessions themselves live in the EffectsStore (sealed, replicated); the index and the derived keys are rebuilt from them.
 * A session lives only in the epoch it was granted in: a member removed by a rekey keeps copies of its keys, so the
 * book drops every session of an earlier epoch before it answers.
 */
import { hexToBytes } from '@noble/hashes/utils.js'
import { deriveSessionKeys, SESSION_TAG_BYTES, SESSION_WINDOW, type SessionKeys } from '../../envelopes/sessionEnvelope'
import { sessionTag } from '../envelopes/sessionRecords'
import type { EffectsStore, Session } from '../effects/effectsStore'
import type { GroupState } from '../group/groupState'

export type SessionMatch = {
  account: string
  counter: bigint
  session: Session
  encKey: Uint8Array
  caller: Uint8Array
}

type Live = SessionKeys & { caller: Uint8Array; tags: string[]; firstCounter: bigint }

const WINDOW = BigInt(SESSION_WINDOW)

/**
 * The index key of a 16-byte tag: one character per byte (a third of hex's cost on the hot path). Only ever compared
 * with other keys made here, never decoded or shown.
 */
function indexKey(tag: Uint8Array): string {
  return String.fromCharCode(
    tag[0]!,
    tag[1]!,
    tag[2]!,
    tag[3]!,
    tag[4]!,
    tag[5]!,
    tag[6]!,
    tag[7]!,
    tag[8]!,
    tag[9]!,
    tag[10]!,
    tag[11]!,
    tag[12]!,
    tag[13]!,
    tag[14]!,
    tag[15]!,
  )
}

export function createSessionBook(group: GroupState, effects: EffectsStore) {
  const index = new Map<string, { account: string; counter: bigint }>()
  const live = new Map<string, Live>()
  let indexedEpoch: bigint | undefined

  function unindex(account: string): void {
    for (const tag of live.get(account)?.tags ?? []) index.delete(tag)
    live.delete(account)
  }

  /** Indexes counters [next, next + SESSION_WINDOW) of `account`'s session. */
  function fill(account: string, session: Session): void {
    let entry = live.get(account)
    if (!entry) {
      const keys = deriveSessionKeys(session.key, group.chainId, group.ledger, Number(session.epoch))
      entry = { ...keys, caller: hexToBytes(account.slice(2)), tags: [], firstCounter: session.next }
      live.set(account, entry)
    }
    while (entry.firstCounter < session.next && entry.tags.length > 0) {
      index.delete(entry.tags.shift()!)
      entry.firstCounter++
    }
    if (entry.tags.length === 0) entry.firstCounter = session.next
    const end = session.next + WINDOW
    for (let counter = entry.firstCounter + BigInt(entry.tags.length); counter < end; counter++) {
      const tag = indexKey(sessionTag(entry.tagKey, counter))
      entry.tags.push(tag)
      index.set(tag, { account, counter })
    }
  }

  // Sessions end at every rekey: the index follows the epoch it was built for, and a session of another is dropped.
  function current(): void {
    if (indexedEpoch === group.epoch) return
    index.clear()
    live.clear()
    for (const [account, session] of Object.entries(effects.sessions)) {
      if (session.epoch === group.epoch) fill(account, session)
      else delete effects.sessions[account]
    }
    indexedEpoch = group.epoch
  }

  return {
    /** Starts (or replaces) `account`'s session; called once the core accepted the signed grant. */
    start(account: string, key: Uint8Array, expiresBlock: bigint): void {
      current()
      unindex(account)
      const session: Session = { key, epoch: group.epoch, expiresBlock, next: 0n }
      effects.sessions[account] = session
      fill(account, session)
    },
    end(account: string): void {
      current()
      unindex(account)
      delete effects.sessions[account]
    },
    /** The session and counter a record's tag names, if any; changes nothing. */
    find(record: Uint8Array): SessionMatch | undefined {
      current()
      if (record.byteLength < SESSION_TAG_BYTES) return undefined
      const hit = index.get(indexKey(record))
      const session = hit && effects.sessions[hit.account]
      const entry = hit && live.get(hit.account)
      if (!hit || !session || !entry) return undefined
      return { account: hit.account, counter: hit.counter, session, encKey: entry.encKey, caller: entry.caller }
    },
    /** `account`'s live session (lowercase), if it has one in the current epoch. */
    of(account: string): Session | undefined {
      current()
      return effects.sessions[account]
    },
    /** Marks `counter` used: it and every earlier counter of the session can never open again. */
    consume(match: SessionMatch): void {
      match.session.next = match.counter + 1n
      fill(match.account, match.session)
    },
  }
}

export type SessionBook = ReturnType<typeof createSessionBook>
