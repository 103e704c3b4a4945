/**
 * The seq a member node's enclave has applied, for whoever wants to hear when it moves: the node API pushes it to
 * wallets at GET /v1/events. Fed from the node's `synced` and `restored` events (startHeadlessMember).
 */

export type AppliedSeq = {
  seq: () => bigint
  /** Calls `listener` with each later seq until the returned function is called. */
  subscribe: (listener: (seq: bigint) => void) => () => void
  /** Moves to `seq` and tells every listener; a seq not above the current one changes nothing. */
  advance: (seq: bigint) => void
}

/**
 * @example
 * const applied = createAppliedSeq()
 * createMemberNode({ ..., onEvent: (event) => event.type === 'synced' && applied.advance(event.seq) })
 */
export function createAppliedSeq(): AppliedSeq {
  let current = 0n
  // One entry per subscription, so the same function subscribed twice is two listeners and each unsubscribes alone.
  const listeners = new Set<{ listener: (seq: bigint) => void }>()
  return {
    seq: () => current,
    subscribe(listener) {
      const entry = { listener }
      listeners.add(entry)
      return () => {
        listeners.delete(entry)
      }
    },
    advance(seq) {
      if (seq <= current) return
      current = seq
      for (const { listener } of [...listeners]) listener(seq)
    },
  }
}
