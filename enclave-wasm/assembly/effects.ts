// Effects a command leaves for the runtime to record (history and receipts now; audit records and withdrawals later),
// so the runtime never decodes an app's commands. Written to the output buffer after each `apply`.
import { EFFECT_BYTES, EFFECT_RECEIVED, EFFECT_SENT } from '../shared/constants'
import { Writer } from './codec'
import { U128 } from './u128'

const MAX_EFFECTS = 255

/** The effects of the command being applied, in the order they happened. */
export class Effects {
  readonly writer: Writer = new Writer()
  count: i32 = 0

  /** A line in `owner`'s history for a command it signed. */
  sent(owner: string, app: u8, op: u8, counterparty: string, amount: U128): void {
    this.push(<u8>EFFECT_SENT, owner, app, op, counterparty, amount)
  }

  /** A line in `owner`'s history for a command that credited it. */
  received(owner: string, app: u8, op: u8, counterparty: string, amount: U128): void {
    this.push(<u8>EFFECT_RECEIVED, owner, app, op, counterparty, amount)
  }

  private push(kind: u8, owner: string, app: u8, op: u8, counterparty: string, amount: U128): void {
    // A command names a handful of parties; more than fit one count byte is a broken app.
    assert(this.count < MAX_EFFECTS, 'too many effects')
    const writer = this.writer
    writer.u8(kind)
    writer.address(owner)
    writer.u8(app)
    writer.u8(op)
    writer.address(counterparty)
    writer.u128(amount)
    writer.u8(0)
    this.count++
    assert(writer.bytes.length == this.count * EFFECT_BYTES)
  }
}
