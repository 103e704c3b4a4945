/**
 * Big-endian u64 fields of the envelopes, read and written through two u32 halves: DataView's BigInt accessors cost
 * several times more, and these run per record on the enclave's hot path.
 */

/** The u64 at `at`. */
export function readU64(bytes: Uint8Array, at: number): bigint {
  return (BigInt(readU32(bytes, at)) << 32n) | BigInt(readU32(bytes, at + 4))
}

/** Writes `value` (taken mod 2^64) at `at`. */
export function writeU64(bytes: Uint8Array, at: number, value: bigint): void {
  const wrapped = BigInt.asUintN(64, value)
  writeU32(bytes, at, Number(wrapped >> 32n))
  writeU32(bytes, at + 4, Number(wrapped & 0xffffffffn))
}

function readU32(bytes: Uint8Array, at: number): number {
  return ((bytes[at]! << 24) | (bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!) >>> 0
}

function writeU32(bytes: Uint8Array, at: number, value: number): void {
  bytes[at] = value >>> 24
  bytes[at + 1] = (value >>> 16) & 0xff
  bytes[at + 2] = (value >>> 8) & 0xff
  bytes[at + 3] = value & 0xff
}
