// Effects a command leaves for the runtime to record (history and receipts now; audit records and withdrawals later),
// so the runtime never decodes an app's commands. Written straight into the output buffer as the command runs:
// count u8 ‖ count × EFFECT_BYTES records (shared/constants.ts).
import { CORE_OUTPUT_BYTES, EFFECT_BYTES, EFFECT_RECEIVED, EFFECT_SENT } from '../shared/constants'
import { storeAddress } from './codec'
import { U128 } from './u128'

// A command names a handful of parties; more than fit the count byte (or the buffer) is a broken app.
const MAX_EFFECTS = min(255, (CORE_OUTPUT_BYTES - 1) / EFFECT_BYTES)

/** The effects of the command being applied, in the order they happened, at `base` (the output buffer). */
export class Effects {
  count: i32 = 0

  constructor(private readonly base: usize) {
    store<u8>(base, 0)
  }

  /** A line in `owner`'s history for a command it signed. */
  sent(owner: string, app: u8, op: u8, counterparty: string, amount: U128): void {
    this.push(<u8>EFFECT_SENT, owner, app, op, counterparty, amount)
  }

  /** A line in `owner`'s history for a command that credited it. */
  received(owner: string, app: u8, op: u8, counterparty: string, amount: U128): void {
    this.push(<u8>EFFECT_RECEIVED, owner, app, op, counterparty, amount)
  }

  // Direct stores, not a growing byte array: this runs for every command on the replay's hot path.
  private push(kind: u8, owner: string, app: u8, op: u8, counterparty: string, amount: U128): void {
    assert(this.count < MAX_EFFECTS, 'too many effects')
    const at = this.base + 1 + <usize>(this.count * EFFECT_BYTES)
    store<u8>(at, kind)
    storeAddress(at + 1, owner)
    store<u8>(at + 21, app)
    store<u8>(at + 22, op)
    storeAddress(at + 23, counterparty)
    store<u64>(at + 43, bswap<u64>(amount.hi))
    store<u64>(at + 51, bswap<u64>(amount.lo))
    store<u8>(at + 59, 0)
    this.count++
    store<u8>(this.base, <u8>this.count)
  }
}
