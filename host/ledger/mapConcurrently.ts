/** Bounded concurrency for RPC reads: a catch-up or an explorer page may need hundreds of transactions. */

/** `items.map(fn)` with at most `limit` calls of `fn` pending at once; results keep the order of `items`. */
export async function mapConcurrently<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => R | Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length)
  let next = 0
  const worker = async () => {
    // `next++` runs synchronously between awaits, so no two workers take the same index.
    while (next < items.length) {
      const index = next++
      results[index] = await fn(items[index]!)
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
  return results
}
