/** A token bucket per client: what keeps one client of a node's API from starving the others. */

/** Buckets kept at once: a client seen once costs one entry, and the least recently seen goes first. */
const MAX_CLIENTS = 10_000

export type CreateRateLimiterParameters = {
  /** Requests per second each client may make, with a burst of twice that. */
  ratePerSecond: number
  now?: (() => number) | undefined
}

/**
 * @example
 * const limiter = createRateLimiter({ ratePerSecond: 20 })
 * if (!limiter.allow(address)) respond(429)
 */
export function createRateLimiter({ ratePerSecond, now = Date.now }: CreateRateLimiterParameters) {
  const burst = ratePerSecond * 2
  const buckets = new Map<string, { tokens: number; at: number }>()
  return {
    /** Takes one token from `client`'s bucket; false when it is empty. */
    allow(client: string): boolean {
      const at = now()
      const bucket = buckets.get(client) ?? { tokens: burst, at }
      bucket.tokens = Math.min(burst, bucket.tokens + ((at - bucket.at) / 1000) * ratePerSecond)
      bucket.at = at
      // Re-inserted so the map's order is least recently seen first; a flood of new addresses evicts only those.
      buckets.delete(client)
      buckets.set(client, bucket)
      if (buckets.size > MAX_CLIENTS) buckets.delete(buckets.keys().next().value!)
      if (bucket.tokens < 1) return false
      bucket.tokens -= 1
      return true
    },
  }
}
