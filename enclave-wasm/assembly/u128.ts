// Unsigned 128-bit amounts as two u64 halves. Arithmetic is checked: overflow is a failed command, never a wrap.

/** An unsigned 128-bit integer. */
export class U128 {
  constructor(
    public hi: u64 = 0,
    public lo: u64 = 0,
  ) {}

  static zero(): U128 {
    return new U128(0, 0)
  }

  isZero(): bool {
    return this.hi == 0 && this.lo == 0
  }

  /** -1, 0 or 1. */
  compare(other: U128): i32 {
    if (this.hi != other.hi) return this.hi < other.hi ? -1 : 1
    if (this.lo != other.lo) return this.lo < other.lo ? -1 : 1
    return 0
  }

  /** this + other, or null on overflow. */
  checkedAdd(other: U128): U128 | null {
    const lo = this.lo + other.lo
    const carry: u64 = lo < this.lo ? 1 : 0
    const hi = this.hi + other.hi
    if (hi < this.hi) return null
    const hiWithCarry = hi + carry
    if (hiWithCarry < hi) return null
    return new U128(hiWithCarry, lo)
  }

  /** this - other, or null if other > this. */
  checkedSub(other: U128): U128 | null {
    if (this.compare(other) < 0) return null
    const borrow: u64 = this.lo < other.lo ? 1 : 0
    return new U128(this.hi - other.hi - borrow, this.lo - other.lo)
  }
}
