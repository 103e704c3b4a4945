// What an app gives the core: a decoder for its commands, their execution, queries over its state, its section of a
// read reply, and one snapshot section. The routing table (apps/registry.ts) holds one instance of each.
import { NO_ADDRESS, Reader, Writer } from './codec'
import { Effects } from './effects'
import { U128 } from './u128'

/** A decoded command; apps extend it with their arguments. */
export class AppCommand {
  /** The other party the caller's history names, and the amount it names (zero where an op has none). */
  counterparty: string = NO_ADDRESS
  amount: U128 = U128.zero()

  constructor(
    readonly caller: string,
    readonly app: u8,
    readonly op: u8,
  ) {}
}

/** An app: routed to by its id, which is also the tag of its snapshot section and the high byte of its codes. */
export abstract class App {
  constructor(readonly id: u8) {}

  /** Decodes `op`'s arguments, or returns null if any byte is missing or extra or the op is unknown. */
  abstract decode(caller: string, op: u8, reader: Reader): AppCommand | null

  /** Runs a command this app decoded at `block`; returns OK or a code of its namespace. Checks precede writes. */
  abstract apply(command: AppCommand, block: u64, effects: Effects): i32

  /** Answers the query in `reader` into `writer`; false if it is malformed. */
  abstract query(reader: Reader, writer: Writer): bool

  /**
   * Writes `account`'s section of a read reply: fixed-size whatever the account holds, so replies stay one length.
   * An app whose per-account state the runtime keeps (sessions) takes it from `request`; others read nothing there.
   */
  abstract readSection(account: string, request: Reader, writer: Writer): void

  /** Adds every account this app holds state for to `accounts` (the state root's leaves). */
  collectAccounts(_accounts: Set<string>): void {}

  /**
   * Writes `account`'s part of its state-root leaf: canonical, and empty for an account this app holds nothing for.
   * App-wide values (an issuer, a supply) are in the snapshot, whose hash the checkpoint carries beside the root.
   */
  writeLeaf(_account: string, _writer: Writer): void {}

  /** The app's whole state in its canonical encoding. */
  abstract exportSection(writer: Writer): void

  /** Parses a section into a pending state (the live one untouched); false if it is malformed or not canonical. */
  abstract stageSection(reader: Reader): bool

  /** Makes the staged state live: called only once every section has been staged. */
  abstract commitSection(): void
}
