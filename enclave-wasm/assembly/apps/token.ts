// The token app: issuer-only mint, transfer, approve / transferFrom, burn. Every check runs before any write,
// so a failed command leaves the state exactly as it was.
import {
  FAIL_ALREADY_INITIALIZED,
  FAIL_INSUFFICIENT_ALLOWANCE,
  FAIL_INSUFFICIENT_BALANCE,
  FAIL_NOT_INITIALIZED,
  FAIL_NOT_ISSUER,
  FAIL_OVERFLOW,
  FAIL_SELF_TRANSFER,
  FAIL_UNKNOWN_OP,
  FAIL_ZERO_AMOUNT,
  OK,
  TOKEN_APPROVE,
  TOKEN_BURN,
  TOKEN_INIT,
  TOKEN_MINT,
  TOKEN_TRANSFER,
  TOKEN_TRANSFER_FROM,
} from '../../shared/constants'
import { Command } from '../command'
import { state } from '../state'
import { U128 } from '../u128'

/** Executes a decoded token command for its (signature-verified) caller; returns OK or a failure code. */
export function applyToken(command: Command): i32 {
  if (command.op == TOKEN_INIT) {
    if (state.issuer != '') return FAIL_ALREADY_INITIALIZED
    state.issuer = command.caller
    return OK
  }
  if (state.issuer == '') return FAIL_NOT_INITIALIZED
  switch (command.op) {
    case TOKEN_MINT:
      return mint(command)
    case TOKEN_TRANSFER:
      return move(command.caller, command.to, command.amount)
    case TOKEN_APPROVE:
      return approve(command)
    case TOKEN_TRANSFER_FROM:
      return transferFrom(command)
    case TOKEN_BURN:
      return burn(command)
  }
  return FAIL_UNKNOWN_OP
}

function mint(command: Command): i32 {
  if (command.caller != state.issuer) return FAIL_NOT_ISSUER
  if (command.amount.isZero()) return FAIL_ZERO_AMOUNT
  const supply = state.totalSupply.checkedAdd(command.amount)
  const balance = state.balanceOf(command.to).checkedAdd(command.amount)
  if (supply == null || balance == null) return FAIL_OVERFLOW
  state.totalSupply = supply
  state.touch(command.to).balance = balance
  return OK
}

function move(from: string, to: string, amount: U128): i32 {
  if (amount.isZero()) return FAIL_ZERO_AMOUNT
  if (from == to) return FAIL_SELF_TRANSFER
  const debited = state.balanceOf(from).checkedSub(amount)
  if (debited == null) return FAIL_INSUFFICIENT_BALANCE
  // Cannot overflow while the supply fits in 128 bits, but checked all the same.
  const credited = state.balanceOf(to).checkedAdd(amount)
  if (credited == null) return FAIL_OVERFLOW
  state.touch(from).balance = debited
  state.touch(to).balance = credited
  return OK
}

function approve(command: Command): i32 {
  if (command.caller == command.to) return FAIL_SELF_TRANSFER
  const allowances = state.touch(command.caller).allowances
  if (command.amount.isZero()) {
    if (allowances.has(command.to)) allowances.delete(command.to)
  } else allowances.set(command.to, command.amount)
  return OK
}

function transferFrom(command: Command): i32 {
  if (command.amount.isZero()) return FAIL_ZERO_AMOUNT
  const remaining = state.allowanceOf(command.from, command.caller).checkedSub(command.amount)
  if (remaining == null) return FAIL_INSUFFICIENT_ALLOWANCE
  const result = move(command.from, command.to, command.amount)
  if (result != OK) return result
  const allowances = state.touch(command.from).allowances
  if (remaining.isZero()) allowances.delete(command.caller)
  else allowances.set(command.caller, remaining)
  return OK
}

function burn(command: Command): i32 {
  if (command.amount.isZero()) return FAIL_ZERO_AMOUNT
  const balance = state.balanceOf(command.caller).checkedSub(command.amount)
  if (balance == null) return FAIL_INSUFFICIENT_BALANCE
  state.touch(command.caller).balance = balance
  state.totalSupply = state.totalSupply.checkedSub(command.amount)!
  return OK
}
