// The core's entry points over fixed buffers: apply a command, answer a query or a read. Numbers and bytes only.
import {
  APP_CORE,
  CORE_INPUT_BYTES,
  CORE_OUTPUT_BYTES,
  CORE_QUERY_NONCE,
  FAIL_MALFORMED,
  FAIL_UNKNOWN_APP,
  FAIL_WRONG_NONCE,
} from '../shared/constants'
import { appOf } from './apps/registry'
import { Reader, Writer } from './codec'
import { Effects } from './effects'
import { nonceOf, spendNonce } from './nonces'
import { writeReadReply } from './read'

const INPUT = memory.data(CORE_INPUT_BYTES)
const OUTPUT = memory.data(CORE_OUTPUT_BYTES)

/** Address of the input buffer the host writes commands and queries into. */
export function inputPtr(): usize {
  return INPUT
}

/** Address of the output buffer: query answers, or the effects of the last command. */
export function outputPtr(): usize {
  return OUTPUT
}

/**
 * Applies the command in the input buffer (`length` bytes: caller ‖ nonce u64 ‖ app u8 ‖ op u8 ‖ arguments) as
 * sequenced at `block`, and writes its effects to the output buffer. A malformed command or a wrong nonce changes
 * no state; any other failure still consumes the nonce, so a failed command can never be replayed later.
 */
export function apply(length: i32, block: u64): i32 {
  const effects = new Effects(OUTPUT)
  if (length < 0 || length > CORE_INPUT_BYTES) return FAIL_MALFORMED
  const reader = new Reader(INPUT, length)
  const caller = reader.address()
  const nonce = reader.u64()
  const id = reader.u8()
  const op = reader.u8()
  if (!reader.ok) return FAIL_MALFORMED
  const app = appOf(id)
  if (app == null) return FAIL_UNKNOWN_APP
  const command = app.decode(caller, op, reader)
  if (command == null) return FAIL_MALFORMED
  // The caller's history shows the command whatever its outcome (the runtime drops copies of spent nonces).
  effects.sent(caller, id, op, command.counterparty, command.amount)
  let code = FAIL_WRONG_NONCE
  if (nonce == nonceOf(caller)) {
    spendNonce(caller, nonce)
    code = app.apply(command, block, effects)
  }
  return code
}

/**
 * Answers the query for `app` in the first `length` input bytes into the output buffer; returns the answer's
 * length, or -1 for a malformed query or an unknown app. App 0 is the core: nonce(address) -> u64.
 */
export function query(app: i32, length: i32): i32 {
  if (length < 0 || length > CORE_INPUT_BYTES) return -1
  const reader = new Reader(INPUT, length)
  const writer = new Writer()
  if (app == APP_CORE) {
    if (reader.u8() != CORE_QUERY_NONCE) return -1
    const account = reader.address()
    if (!reader.done()) return -1
    writer.u64(nonceOf(account))
  } else {
    const target = app >= 0 && app <= 255 ? appOf(<u8>app) : null
    if (target == null || !target.query(reader, writer)) return -1
  }
  return flush(writer.bytes, 0)
}

/**
 * Composes an account's read reply (read.ts) from the request in the first `length` input bytes into the output
 * buffer; returns READ_REPLY_BYTES, or -1 for a malformed request.
 */
export function read(length: i32): i32 {
  if (length < 0 || length > CORE_INPUT_BYTES) return -1
  const writer = new Writer()
  if (!writeReadReply(new Reader(INPUT, length), writer)) return -1
  return flush(writer.bytes, 0)
}

function flush(bytes: u8[], at: i32): i32 {
  // Answers and effects are bounded by the codecs well below the buffer; exceeding it is a broken invariant.
  assert(at + bytes.length <= CORE_OUTPUT_BYTES, 'output overflow')
  for (let i = 0; i < bytes.length; i++) store<u8>(OUTPUT + <usize>(at + i), bytes[i])
  return bytes.length
}
