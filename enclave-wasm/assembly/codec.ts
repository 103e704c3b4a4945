// Canonical binary codec: big-endian integers, 20-byte addresses, no optional fields. One encoding per value.
import { U128 } from './u128'

/** Reads a byte string front to back; `ok` turns false on the first read past the end and stays false. */
export class Reader {
  private offset: i32 = 0
  ok: bool = true

  constructor(
    private readonly ptr: usize,
    private readonly length: i32,
  ) {}

  private take(bytes: i32): usize {
    if (!this.ok || this.offset + bytes > this.length) {
      this.ok = false
      return 0
    }
    const at = this.ptr + <usize>this.offset
    this.offset += bytes
    return at
  }

  /** True when every byte was consumed and no read failed: trailing bytes make an input malformed. */
  done(): bool {
    return this.ok && this.offset == this.length
  }

  /** Steps over `bytes` bytes the core does not interpret. */
  skip(bytes: i32): void {
    this.take(bytes)
  }

  u8(): u8 {
    const at = this.take(1)
    return this.ok ? load<u8>(at) : 0
  }

  u16(): u16 {
    const at = this.take(2)
    return this.ok ? bswap<u16>(load<u16>(at)) : 0
  }

  u32(): u32 {
    const at = this.take(4)
    return this.ok ? bswap<u32>(load<u32>(at)) : 0
  }

  u64(): u64 {
    const at = this.take(8)
    return this.ok ? bswap<u64>(load<u64>(at)) : 0
  }

  u128(): U128 {
    const hi = this.u64()
    const lo = this.u64()
    return new U128(hi, lo)
  }

  /** A 20-byte address, as a 40-character lowercase hex key. */
  address(): string {
    const at = this.take(20)
    if (!this.ok) return ''
    return hexOf(at, 20)
  }
}

/** Appends canonical encodings to a byte array. */
export class Writer {
  readonly bytes: u8[] = []

  u8(value: u8): void {
    this.bytes.push(value)
  }

  u16(value: u16): void {
    this.bytes.push(<u8>(value >> 8))
    this.bytes.push(<u8>(value & 0xff))
  }

  u32(value: u32): void {
    for (let shift: i32 = 24; shift >= 0; shift -= 8) this.bytes.push(<u8>((value >> <u32>shift) & 0xff))
  }

  u64(value: u64): void {
    for (let shift: i32 = 56; shift >= 0; shift -= 8) this.bytes.push(<u8>((value >> <u64>shift) & 0xff))
  }

  u128(value: U128): void {
    this.u64(value.hi)
    this.u64(value.lo)
  }

  /** Appends another writer's bytes. */
  append(other: Writer): void {
    for (let i = 0; i < other.bytes.length; i++) this.bytes.push(other.bytes[i])
  }

  /** Writes a 40-character hex key back as 20 bytes. */
  address(key: string): void {
    for (let i = 0; i < 40; i += 2)
      this.bytes.push(<u8>(nibble(key.charCodeAt(i)) * 16 + nibble(key.charCodeAt(i + 1))))
  }
}

/** Stores a 40-character hex key as its 20 bytes at `at`. */
export function storeAddress(at: usize, key: string): void {
  const chars = changetype<usize>(key)
  for (let i: usize = 0; i < 20; i++) {
    const high = nibble(load<u16>(chars + (i << 2)))
    const low = nibble(load<u16>(chars + (i << 2) + 2))
    store<u8>(at + i, <u8>((high << 4) | low))
  }
}

/** The all-zero address key: "none" in encodings that always carry an address. */
export const NO_ADDRESS = '0000000000000000000000000000000000000000'

// One allocation per key: building the string by concatenation cost two allocations per nibble on every lookup.
function hexOf(ptr: usize, bytes: i32): string {
  const out = __new((<usize>bytes) << 2, idof<string>())
  for (let i = 0; i < bytes; i++) {
    const byte = load<u8>(ptr + <usize>i)
    store<u16>(out + ((<usize>i) << 2), <u16>digit(byte >> 4))
    store<u16>(out + ((<usize>i) << 2) + 2, <u16>digit(byte & 0x0f))
  }
  return changetype<string>(out)
}

function digit(value: u8): i32 {
  return value < 10 ? 48 + value : 87 + value
}

function nibble(code: i32): i32 {
  return code <= 57 ? code - 48 : code - 87
}
