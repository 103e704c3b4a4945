/**
 * Read reply v2 in TypeScript (layout in shared/constants.ts): the wallet's decoder, the runtime's encoder of the
 * read request it hands the core (assembly/read.ts composes the reply), and the twin encoder the golden vectors
 * check against the core's bytes. Every reply is READ_REPLY_BYTES long; the decoder refuses anything the core does not
 * write: another length or version, apps out of registry order, unknown ops, more entries than fit, nonzero padding.
 */
import { bytesToHex, getAddress, hexToBytes, type Address } from 'viem'
import { READ_ENTRY_BYTES, READ_HISTORY_ENTRIES, READ_REPLY_BYTES, READ_REPLY_VERSION } from '../shared/constants'
import type { AppSchema } from './apps/appSchema'
import { presentAt, ReadReplyError, readU128, writeU128 } from './apps/readSection'
import { APP_SCHEMAS } from './apps/registry'
import { opNameOf, opSchemaOf, type CoreCommand } from './coreCommands'

/** One line of an account's history: a command it signed (sent) or a transfer that credited it (received). */
export type HistoryEntry = {
  seq: bigint
  direction: 'sent' | 'received'
  /** Op names are unique across apps, so the op names its app too (the reply carries both bytes). */
  op: CoreCommand['op']
  /** The other party (recipient, spender, owner, sender or subject), zero when there is none. */
  counterparty: Address
  amount: bigint
  /** 0 = applied, otherwise the failure code (OUTCOME_NAMES). */
  code: number
  /** The nonce of a command the account sent; 0 for what it received. */
  nonce: bigint
}

/** The outcome of a command: its nonce, 0 or a failure code (shared/constants.ts), and the input that carried it. */
export type CommandReceipt = { nonce: bigint; code: number; seq: bigint }

type Schemas = (typeof APP_SCHEMAS)[number]

/** Each app's section by app name: `apps.token.balance`, `apps.session` (undefined when none), `apps.identity`. */
export type ReplyApps = { [schema in Schemas as schema['name']]: ReturnType<schema['readSection']['decode']> }

/** The sections whose state the runtime keeps, which it passes to the core in the read request. */
export type RuntimeHeldApps = {
  [schema in Schemas as schema['readSection']['heldBy'] extends 'runtime'
    ? schema['name']
    : never]: ReplyApps[schema['name']]
}

export type AccountReply = {
  nonce: bigint
  seq: bigint
  /** The account's latest signed command's outcome, so its wallet learns why a command failed. */
  receipt: CommandReceipt | undefined
  apps: ReplyApps
  /** The account's latest commands and incoming transfers, oldest first. */
  history: HistoryEntry[]
}

/** What the runtime holds of an account's reply; the core adds the nonce and the core-held app sections. */
export type RuntimeHeldReply = Pick<AccountReply, 'seq' | 'receipt' | 'history'> & { apps: RuntimeHeldApps }

const SCHEMAS = APP_SCHEMAS as readonly AppSchema[]
const RECEIPT_BYTES = 19

/** The request `read` takes (assembly/read.ts): account ‖ seq ‖ receipt ‖ history ‖ runtime-held app sections. */
export function encodeReadRequest(account: Address, { seq, receipt, history, apps }: RuntimeHeldReply): Uint8Array {
  const held = SCHEMAS.filter((app) => app.readSection.heldBy === 'runtime')
  const bytes = new Uint8Array(
    20 + 8 + RECEIPT_BYTES + historyBytes(history) + held.reduce((n, app) => n + app.readSection.bytes, 0),
  )
  const view = new DataView(bytes.buffer)
  bytes.set(hexToBytes(account), 0)
  view.setBigUint64(20, seq)
  writeReceipt(view, 28, receipt)
  let at = writeHistory(view, 28 + RECEIPT_BYTES, history)
  for (const app of held) {
    app.readSection.encode((apps as Record<string, unknown>)[app.name], view, at)
    at += app.readSection.bytes
  }
  return bytes
}

/** The bytes the core writes for `reply` (the golden vectors' TypeScript side). */
export function encodeReadReply({ nonce, seq, receipt, apps, history }: AccountReply): Uint8Array {
  const bytes = new Uint8Array(READ_REPLY_BYTES)
  const view = new DataView(bytes.buffer)
  view.setUint8(0, READ_REPLY_VERSION)
  view.setBigUint64(1, nonce)
  view.setBigUint64(9, seq)
  let at = writeReceipt(view, 17, receipt)
  for (const app of SCHEMAS) {
    view.setUint8(at, app.app)
    app.readSection.encode((apps as Record<string, unknown>)[app.name], view, at + 1)
    at += 1 + app.readSection.bytes
  }
  writeHistory(view, at, history)
  return bytes
}

export function decodeReadReply(bytes: Uint8Array): AccountReply {
  if (bytes.byteLength !== READ_REPLY_BYTES)
    throw new ReadReplyError(`read reply is ${bytes.byteLength} bytes, not ${READ_REPLY_BYTES}`)
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const version = view.getUint8(0)
  if (version !== READ_REPLY_VERSION)
    throw new ReadReplyError(`read reply version ${version} is unknown (this wallet reads ${READ_REPLY_VERSION})`)
  const receipt = presentReceipt(view, 17)
  const apps: Record<string, unknown> = {}
  let at = 17 + RECEIPT_BYTES
  for (const app of SCHEMAS) {
    const id = view.getUint8(at)
    if (!SCHEMAS.some((known) => known.app === id)) throw new ReadReplyError(`read reply: unknown app id ${id}`)
    if (id !== app.app)
      throw new ReadReplyError(`read reply: app ${id} is out of registry order (app ${app.app} comes here)`)
    apps[app.name] = app.readSection.decode(view, at + 1)
    at += 1 + app.readSection.bytes
  }
  const count = view.getUint8(at)
  if (count > READ_HISTORY_ENTRIES)
    throw new ReadReplyError(`read reply: ${count} history entries, at most ${READ_HISTORY_ENTRIES} fit`)
  const history = Array.from({ length: count }, (_, i) => readEntry(bytes, view, at + 1 + i * READ_ENTRY_BYTES, i))
  for (let i = at + 1 + count * READ_ENTRY_BYTES; i < READ_REPLY_BYTES; i++)
    if (bytes[i] !== 0) throw new ReadReplyError(`read reply: nonzero padding at byte ${i}`)
  return {
    nonce: view.getBigUint64(1),
    seq: view.getBigUint64(9),
    receipt,
    apps: apps as ReplyApps,
    history,
  }
}

/** present u8 ‖ nonce u64 ‖ code u16 ‖ seq u64, zeros when none. Returns the offset after it. */
function writeReceipt(view: DataView, at: number, receipt: CommandReceipt | undefined): number {
  if (receipt) {
    view.setUint8(at, 1)
    view.setBigUint64(at + 1, receipt.nonce)
    view.setUint16(at + 9, receipt.code)
    view.setBigUint64(at + 11, receipt.seq)
  }
  return at + RECEIPT_BYTES
}

function presentReceipt(view: DataView, at: number): CommandReceipt | undefined {
  if (!presentAt(view, at, RECEIPT_BYTES - 1, 'receipt')) return undefined
  return { nonce: view.getBigUint64(at + 1), code: view.getUint16(at + 9), seq: view.getBigUint64(at + 11) }
}

function historyBytes(history: readonly HistoryEntry[]): number {
  return 1 + history.length * READ_ENTRY_BYTES
}

/** count u8 ‖ the entries; throws on more than fit (the runtime keeps at most READ_HISTORY_ENTRIES). */
function writeHistory(view: DataView, at: number, history: readonly HistoryEntry[]): number {
  if (history.length > READ_HISTORY_ENTRIES)
    throw new RangeError(`a read reply holds at most ${READ_HISTORY_ENTRIES} history entries`)
  view.setUint8(at, history.length)
  for (const [i, entry] of history.entries()) writeEntry(view, at + 1 + i * READ_ENTRY_BYTES, entry)
  return at + historyBytes(history)
}

/** seq u64 ‖ direction u8 (0 sent, 1 received) ‖ app u8 ‖ op u8 ‖ code u16 ‖ counterparty ‖ amount u128 ‖ nonce u64. */
function writeEntry(view: DataView, at: number, entry: HistoryEntry): void {
  const { app, schema } = opSchemaOf(entry.op)
  view.setBigUint64(at, entry.seq)
  view.setUint8(at + 8, entry.direction === 'sent' ? 0 : 1)
  view.setUint8(at + 9, app)
  view.setUint8(at + 10, schema.code)
  view.setUint16(at + 11, entry.code)
  new Uint8Array(view.buffer, view.byteOffset).set(hexToBytes(entry.counterparty), at + 13)
  writeU128(view, at + 33, entry.amount)
  view.setBigUint64(at + 49, entry.nonce)
}

function readEntry(bytes: Uint8Array, view: DataView, at: number, index: number): HistoryEntry {
  const direction = view.getUint8(at + 8)
  if (direction > 1) throw new ReadReplyError(`read reply: history entry ${index} has direction ${direction}`)
  const app = view.getUint8(at + 9)
  const opCode = view.getUint8(at + 10)
  const op = opNameOf(app, opCode)
  if (op === undefined)
    throw new ReadReplyError(`read reply: history entry ${index} has unknown op ${opCode} of app ${app}`)
  return {
    seq: view.getBigUint64(at),
    direction: direction === 0 ? 'sent' : 'received',
    op,
    code: view.getUint16(at + 11),
    counterparty: getAddress(bytesToHex(bytes.subarray(at + 13, at + 33))),
    amount: readU128(view, at + 33),
    nonce: view.getBigUint64(at + 49),
  }
}
