// The core's entry points over fixed buffers: apply a command, answer a query. Numbers and bytes only.
import {
  APP_SESSION,
  CORE_INPUT_BYTES,
  OK,
  CORE_OUTPUT_BYTES,
  FAIL_MALFORMED,
  FAIL_WRONG_NONCE,
} from '../shared/constants'
import { applyToken } from './apps/token'
import { Reader, Writer } from './codec'
import { decodeCommand } from './command'
import { state } from './state'

const INPUT = memory.data(CORE_INPUT_BYTES)
const OUTPUT = memory.data(CORE_OUTPUT_BYTES)

/** Address of the input buffer the host writes commands and queries into. */
export function inputPtr(): usize {
  return INPUT
}

/** Address of the output buffer query answers are written to. */
export function outputPtr(): usize {
  return OUTPUT
}

/**
 * Applies the command in the input buffer (`length` bytes). A malformed command or a wrong nonce changes nothing;
 * any other failure still consumes the nonce, so a failed command can never be replayed later.
 */
export function apply(length: i32): i32 {
  if (length < 0 || length > CORE_INPUT_BYTES) return FAIL_MALFORMED
  const command = decodeCommand(new Reader(INPUT, length))
  if (command == null) return FAIL_MALFORMED
  const expected = state.peek(command.caller)
  if (command.nonce != (expected ? expected.nonce : 0)) return FAIL_WRONG_NONCE
  state.touch(command.caller).nonce = command.nonce + 1
  if (command.app == APP_SESSION) return OK
  return applyToken(command)
}

/** Query: account(address) -> balance u128 ‖ next nonce u64, written to the output buffer; returns its length. */
export function queryAccount(): i32 {
  const reader = new Reader(INPUT, 20)
  const key = reader.address()
  const account = state.peek(key)
  const writer = new Writer()
  writer.u128(state.balanceOf(key))
  writer.u64(account ? account.nonce : 0)
  return flush(writer)
}

/** Query: allowance(owner, spender) -> u128. */
export function queryAllowance(): i32 {
  const reader = new Reader(INPUT, 40)
  const owner = reader.address()
  const spender = reader.address()
  const writer = new Writer()
  writer.u128(state.allowanceOf(owner, spender))
  return flush(writer)
}

/** Query: token -> initialised u8 ‖ issuer (20, zero if none) ‖ total supply u128. */
export function queryToken(): i32 {
  const writer = new Writer()
  writer.u8(state.issuer != '' ? 1 : 0)
  writer.address(state.issuer != '' ? state.issuer : '0000000000000000000000000000000000000000')
  writer.u128(state.totalSupply)
  return flush(writer)
}

function flush(writer: Writer): i32 {
  const bytes = writer.bytes
  for (let i = 0; i < bytes.length; i++) store<u8>(OUTPUT + <usize>i, bytes[i])
  return bytes.length
}
