// The token app: issuer-only mint, transfer, approve / transferFrom, burn, and the recipients' attribute rule.
// Every check runs before any write, so a failed command leaves the state exactly as it was.
import { FAIL_UNKNOWN_OP, OK } from '../../../shared/constants'
import { KNOWN_ATTRIBUTES } from '../../../shared/apps/identity'
import {
  FAIL_ALREADY_INITIALIZED,
  FAIL_INSUFFICIENT_ALLOWANCE,
  FAIL_INSUFFICIENT_BALANCE,
  FAIL_NOT_INITIALIZED,
  FAIL_NOT_ISSUER,
  FAIL_OVERFLOW,
  FAIL_RECIPIENT_NOT_ELIGIBLE,
  FAIL_SELF_TRANSFER,
  FAIL_UNKNOWN_ATTRIBUTE,
  FAIL_ZERO_AMOUNT,
  TOKEN_APPROVE,
  TOKEN_BURN,
  TOKEN_INIT,
  TOKEN_MINT,
  TOKEN_REQUIRE_ATTRIBUTES,
  TOKEN_TRANSFER,
  TOKEN_TRANSFER_FROM,
} from '../../../shared/apps/token'
import { Effects } from '../../effects'
import { holdsAttributes } from '../identity/state'
import { TokenCommand } from './codec'
import { token } from './state'

/** Executes a decoded token command at `block`; returns OK or a token failure code. */
export function applyToken(command: TokenCommand, block: u64, effects: Effects): i32 {
  if (command.op == TOKEN_INIT) {
    if (token.issuer != '') return FAIL_ALREADY_INITIALIZED
    token.issuer = command.caller
    return OK
  }
  if (token.issuer == '') return FAIL_NOT_INITIALIZED
  switch (<i32>command.op) {
    case TOKEN_MINT:
      return mint(command, block, effects)
    case TOKEN_TRANSFER:
      return move(command, command.caller, block, effects)
    case TOKEN_APPROVE:
      return approve(command)
    case TOKEN_TRANSFER_FROM:
      return transferFrom(command, block, effects)
    case TOKEN_BURN:
      return burn(command)
    case TOKEN_REQUIRE_ATTRIBUTES:
      return requireAttributes(command)
  }
  return FAIL_UNKNOWN_OP
}

// The identity app decides eligibility; the token only names which attributes it needs.
function eligible(recipient: string, block: u64): bool {
  return holdsAttributes(recipient, token.requiredAttributes, block)
}

function mint(command: TokenCommand, block: u64, effects: Effects): i32 {
  if (command.caller != token.issuer) return FAIL_NOT_ISSUER
  if (command.amount.isZero()) return FAIL_ZERO_AMOUNT
  if (!eligible(command.to, block)) return FAIL_RECIPIENT_NOT_ELIGIBLE
  const supply = token.totalSupply.checkedAdd(command.amount)
  const balance = token.balanceOf(command.to).checkedAdd(command.amount)
  if (supply == null || balance == null) return FAIL_OVERFLOW
  token.totalSupply = supply
  token.touch(command.to).balance = balance
  effects.received(command.to, command.app, command.op, command.caller, command.amount)
  return OK
}

/** Moves `command.amount` from `from` to `command.to`; the recipient's history names `from`. */
function move(command: TokenCommand, from: string, block: u64, effects: Effects): i32 {
  const to = command.to
  const amount = command.amount
  if (amount.isZero()) return FAIL_ZERO_AMOUNT
  if (from == to) return FAIL_SELF_TRANSFER
  const debited = token.balanceOf(from).checkedSub(amount)
  if (debited == null) return FAIL_INSUFFICIENT_BALANCE
  if (!eligible(to, block)) return FAIL_RECIPIENT_NOT_ELIGIBLE
  // Cannot overflow while the supply fits in 128 bits, but checked all the same.
  const credited = token.balanceOf(to).checkedAdd(amount)
  if (credited == null) return FAIL_OVERFLOW
  token.touch(from).balance = debited
  token.touch(to).balance = credited
  effects.received(to, command.app, command.op, from, amount)
  return OK
}

function approve(command: TokenCommand): i32 {
  if (command.caller == command.to) return FAIL_SELF_TRANSFER
  const allowances = token.touch(command.caller).allowances
  if (command.amount.isZero()) {
    if (allowances.has(command.to)) allowances.delete(command.to)
  } else allowances.set(command.to, command.amount)
  return OK
}

function transferFrom(command: TokenCommand, block: u64, effects: Effects): i32 {
  if (command.amount.isZero()) return FAIL_ZERO_AMOUNT
  const remaining = token.allowanceOf(command.from, command.caller).checkedSub(command.amount)
  if (remaining == null) return FAIL_INSUFFICIENT_ALLOWANCE
  const result = move(command, command.from, block, effects)
  if (result != OK) return result
  const allowances = token.touch(command.from).allowances
  if (remaining.isZero()) allowances.delete(command.caller)
  else allowances.set(command.caller, remaining)
  return OK
}

function burn(command: TokenCommand): i32 {
  if (command.amount.isZero()) return FAIL_ZERO_AMOUNT
  const balance = token.balanceOf(command.caller).checkedSub(command.amount)
  if (balance == null) return FAIL_INSUFFICIENT_BALANCE
  token.touch(command.caller).balance = balance
  token.totalSupply = token.totalSupply.checkedSub(command.amount)!
  return OK
}

function requireAttributes(command: TokenCommand): i32 {
  if (command.caller != token.issuer) return FAIL_NOT_ISSUER
  if ((command.attributes & ~(<u8>KNOWN_ATTRIBUTES)) != 0) return FAIL_UNKNOWN_ATTRIBUTE
  token.requiredAttributes = command.attributes
  return OK
}
