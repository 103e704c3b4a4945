// The core's whole state: the token's issuer and supply, and one record per account. Keys are 40-char hex addresses.
import { U128 } from './u128'

export class Account {
  balance: U128 = U128.zero()
  /** The next nonce this account's command must carry. */
  nonce: u64 = 0
  /** spender key -> remaining allowance; zero allowances are deleted, so the encoding stays canonical. */
  allowances: Map<string, U128> = new Map<string, U128>()
}

export class State {
  /** Empty until the token is initialised. */
  issuer: string = ''
  totalSupply: U128 = U128.zero()
  accounts: Map<string, Account> = new Map<string, Account>()

  /** The account at `key`, or null: reads never create records. */
  peek(key: string): Account | null {
    return this.accounts.has(key) ? this.accounts.get(key) : null
  }

  /** The account at `key`, created empty if needed: only for commands that have passed their checks. */
  touch(key: string): Account {
    if (!this.accounts.has(key)) this.accounts.set(key, new Account())
    return this.accounts.get(key)
  }

  balanceOf(key: string): U128 {
    const account = this.peek(key)
    return account ? account.balance : U128.zero()
  }

  allowanceOf(owner: string, spender: string): U128 {
    const account = this.peek(owner)
    return account && account.allowances.has(spender) ? account.allowances.get(spender) : U128.zero()
  }
}

/** The one state of this instance. Replaced whole by a snapshot import. */
export let state = new State()

export function replaceState(next: State): void {
  state = next
}
