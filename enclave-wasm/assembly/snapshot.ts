// The whole state as one canonical byte string: accounts and allowances sorted by address, zero allowances absent.
// Two replicas with equal states export equal bytes, whatever order their maps were filled in.
import { FAIL_MALFORMED, OK } from '../shared/constants'
import { Reader, Writer } from './codec'
import { Account, replaceState, State, state } from './state'
import { U128 } from './u128'

const SNAPSHOT_VERSION: u8 = 1
const NO_ISSUER = '0000000000000000000000000000000000000000'

// Kept in globals so the collector never frees a buffer the host is reading or writing.
let exported: StaticArray<u8> = new StaticArray<u8>(0)
let staged: StaticArray<u8> = new StaticArray<u8>(0)

/** Encodes the state; read `snapshotLength()` bytes at `snapshotPtr()` afterwards. */
export function snapshotExport(): i32 {
  const writer = new Writer()
  writer.u8(SNAPSHOT_VERSION)
  writer.address(state.issuer != '' ? state.issuer : NO_ISSUER)
  writer.u128(state.totalSupply)
  const keys = state.accounts.keys().sort()
  writer.u64(<u64>keys.length)
  for (let i = 0; i < keys.length; i++) {
    const account = state.accounts.get(keys[i])
    writer.address(keys[i])
    writer.u128(account.balance)
    writer.u64(account.nonce)
    const spenders = account.allowances.keys().sort()
    writer.u64(<u64>spenders.length)
    for (let j = 0; j < spenders.length; j++) {
      writer.address(spenders[j])
      writer.u128(account.allowances.get(spenders[j]))
    }
  }
  const bytes = writer.bytes
  exported = new StaticArray<u8>(bytes.length)
  for (let i = 0; i < bytes.length; i++) exported[i] = bytes[i]
  return bytes.length
}

export function snapshotPtr(): usize {
  return changetype<usize>(exported)
}

export function snapshotLength(): i32 {
  return exported.length
}

/** Reserves `length` bytes for a snapshot the host will write; returns their address. */
export function snapshotStage(length: i32): usize {
  staged = new StaticArray<u8>(length)
  return changetype<usize>(staged)
}

/** Replaces the state with the staged snapshot if it is well formed and canonical; otherwise keeps the old one. */
export function snapshotImport(): i32 {
  const reader = new Reader(changetype<usize>(staged), staged.length)
  if (reader.u8() != SNAPSHOT_VERSION) return FAIL_MALFORMED
  const next = new State()
  const issuer = reader.address()
  next.issuer = issuer == NO_ISSUER ? '' : issuer
  next.totalSupply = reader.u128()
  const count = reader.u64()
  let previous = ''
  let sum = U128.zero()
  for (let i: u64 = 0; i < count && reader.ok; i++) {
    const key = reader.address()
    // Strictly increasing keys: the canonical order, and no duplicates.
    if (key <= previous) return FAIL_MALFORMED
    previous = key
    const account = new Account()
    account.balance = reader.u128()
    account.nonce = reader.u64()
    const spenders = reader.u64()
    let previousSpender = ''
    for (let j: u64 = 0; j < spenders && reader.ok; j++) {
      const spender = reader.address()
      const amount = reader.u128()
      if (spender <= previousSpender || amount.isZero()) return FAIL_MALFORMED
      previousSpender = spender
      account.allowances.set(spender, amount)
    }
    const total = sum.checkedAdd(account.balance)
    if (total == null) return FAIL_MALFORMED
    sum = total
    next.accounts.set(key, account)
  }
  // Balances must add up to the supply: a snapshot cannot mint.
  if (!reader.done() || sum.compare(next.totalSupply) != 0) return FAIL_MALFORMED
  replaceState(next)
  return OK
}
