/**
 * An app's fixed-size section of a read reply v2 (shared/constants.ts has the whole layout): the TypeScript twin of
 * the app's `readSection` in assembly/apps/<app>/index.ts, checked against it by golden vectors through the compiled
 * core. Decoders refuse every value the core never writes, so a reply from another build fails loudly.
 */

/** A read reply (or a request for one) that is not exactly what this build's core writes. */
export class ReadReplyError extends Error {
  override name = 'ReadReplyError' as const
}

export type ReadSection<value> = {
  bytes: number
  /** `runtime` when the runtime, not the core, keeps this state (sessions): it passes it in the read request. */
  heldBy: 'core' | 'runtime'
  // Methods, not properties, so a section of any value type fits the registry's `ReadSection<unknown>`.
  encode(value: value, view: DataView, at: number): void
  decode(view: DataView, at: number): value
}

export function readU128(view: DataView, at: number): bigint {
  return (view.getBigUint64(at) << 64n) | view.getBigUint64(at + 8)
}

export function writeU128(view: DataView, at: number, value: bigint): void {
  view.setBigUint64(at, value >> 64n)
  view.setBigUint64(at + 8, value & ((1n << 64n) - 1n))
}

/**
 * Reads a presence flag at `at` that covers the `span` bytes after it: true for 1; for 0 those bytes must be zero
 * (the core writes zeros for "none"); any other flag is refused.
 */
export function presentAt(view: DataView, at: number, span: number, what: string): boolean {
  const flag = view.getUint8(at)
  if (flag > 1) throw new ReadReplyError(`read reply: ${what} flag is ${flag}, not 0 or 1`)
  if (flag === 0)
    for (let i = 1; i <= span; i++)
      if (view.getUint8(at + i) !== 0) throw new ReadReplyError(`read reply: ${what} is absent but has nonzero fields`)
  return flag === 1
}
