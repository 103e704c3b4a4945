// Per-account nonces, kept apart from every app's state: the core checks and spends them before routing a command.
import { Reader, Writer } from './codec'

let nonces = new Map<string, u64>()
let staged = new Map<string, u64>()

/** The next nonce `account`'s command must carry. */
export function nonceOf(account: string): u64 {
  return nonces.has(account) ? nonces.get(account) : 0
}

/** Spends `nonce` for `account`. */
export function spendNonce(account: string, nonce: u64): void {
  nonces.set(account, nonce + 1)
}

/** Adds every account that has spent a nonce. */
export function collectNonceAccounts(accounts: Set<string>): void {
  const keys = nonces.keys()
  for (let i = 0; i < keys.length; i++) accounts.add(keys[i])
}

/** The nonces section: count u64 ‖ (address ‖ next nonce u64) sorted by address. */
export function exportNonces(writer: Writer): void {
  const keys = nonces.keys().sort()
  writer.u64(<u64>keys.length)
  for (let i = 0; i < keys.length; i++) {
    writer.address(keys[i])
    writer.u64(nonces.get(keys[i]))
  }
}

/** Stages a nonces section; false if keys are not strictly increasing or a nonce is 0 (never spent). */
export function stageNonces(reader: Reader): bool {
  staged = new Map<string, u64>()
  const count = reader.u64()
  let previous = ''
  for (let i: u64 = 0; i < count && reader.ok; i++) {
    const key = reader.address()
    const nonce = reader.u64()
    if (key <= previous || nonce == 0) return false
    previous = key
    staged.set(key, nonce)
  }
  return reader.done()
}

export function commitNonces(): void {
  nonces = staged
  staged = new Map<string, u64>()
}
