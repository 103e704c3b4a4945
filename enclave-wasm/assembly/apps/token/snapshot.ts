// The token's snapshot section: issuer (zero if none) ‖ supply u128 ‖ required attributes u8 ‖ count u64 ‖ holders
// sorted by address, each balance u128 ‖ count u64 ‖ allowances sorted by spender (zero allowances absent).
import { KNOWN_ATTRIBUTES } from '../../../shared/apps/identity'
import { NO_ADDRESS, Reader, Writer } from '../../codec'
import { U128 } from '../../u128'
import { Holder, replaceToken, TokenState, token } from './state'

let staged = new TokenState()

export function exportToken(writer: Writer): void {
  writer.address(token.issuer != '' ? token.issuer : NO_ADDRESS)
  writer.u128(token.totalSupply)
  writer.u8(token.requiredAttributes)
  const keys = token.holders.keys().sort()
  writer.u64(<u64>keys.length)
  for (let i = 0; i < keys.length; i++) {
    writer.address(keys[i])
    writeHolder(token.holders.get(keys[i]), writer)
  }
}

/** balance u128 ‖ count u64 ‖ allowances sorted by spender; an absent holder is a zero balance and none. */
export function writeHolder(holder: Holder | null, writer: Writer): void {
  if (holder == null) {
    writer.u128(U128.zero())
    writer.u64(0)
    return
  }
  writer.u128(holder.balance)
  const spenders = holder.allowances.keys().sort()
  writer.u64(<u64>spenders.length)
  for (let j = 0; j < spenders.length; j++) {
    writer.address(spenders[j])
    writer.u128(holder.allowances.get(spenders[j]))
  }
}

/** Stages a token section; false unless canonical and the balances add up to the supply (a snapshot cannot mint). */
export function stageToken(reader: Reader): bool {
  const next = new TokenState()
  const issuer = reader.address()
  next.issuer = issuer == NO_ADDRESS ? '' : issuer
  next.totalSupply = reader.u128()
  next.requiredAttributes = reader.u8()
  if ((next.requiredAttributes & ~(<u8>KNOWN_ATTRIBUTES)) != 0) return false
  const count = reader.u64()
  let previous = ''
  let sum = U128.zero()
  for (let i: u64 = 0; i < count && reader.ok; i++) {
    const key = reader.address()
    // Strictly increasing keys: the canonical order, and no duplicates.
    if (key <= previous) return false
    previous = key
    const holder = new Holder()
    holder.balance = reader.u128()
    const spenders = reader.u64()
    let previousSpender = ''
    for (let j: u64 = 0; j < spenders && reader.ok; j++) {
      const spender = reader.address()
      const amount = reader.u128()
      if (spender <= previousSpender || amount.isZero()) return false
      previousSpender = spender
      holder.allowances.set(spender, amount)
    }
    const total = sum.checkedAdd(holder.balance)
    if (total == null) return false
    sum = total
    next.holders.set(key, holder)
  }
  if (!reader.done() || sum.compare(next.totalSupply) != 0) return false
  staged = next
  return true
}

export function commitToken(): void {
  replaceToken(staged)
  staged = new TokenState()
}
