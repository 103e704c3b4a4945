// The token's state: issuer, supply, the attributes recipients need, and one holder record per account.
import { U128 } from '../../u128'

export class Holder {
  balance: U128 = U128.zero()
  /** spender key -> remaining allowance; zero allowances are deleted, so the encoding stays canonical. */
  allowances: Map<string, U128> = new Map<string, U128>()
}

export class TokenState {
  /** Empty until the token is initialised. */
  issuer: string = ''
  totalSupply: U128 = U128.zero()
  /** Identity attributes (shared/apps/identity.ts) a recipient must hold; 0 = anyone may receive. */
  requiredAttributes: u8 = 0
  holders: Map<string, Holder> = new Map<string, Holder>()

  /** The holder at `key`, or null: reads never create records. */
  peek(key: string): Holder | null {
    return this.holders.has(key) ? this.holders.get(key) : null
  }

  /** The holder at `key`, created empty if needed: only for commands that have passed their checks. */
  touch(key: string): Holder {
    if (!this.holders.has(key)) this.holders.set(key, new Holder())
    return this.holders.get(key)
  }

  balanceOf(key: string): U128 {
    const holder = this.peek(key)
    return holder ? holder.balance : U128.zero()
  }

  allowanceOf(owner: string, spender: string): U128 {
    const holder = this.peek(owner)
    return holder && holder.allowances.has(spender) ? holder.allowances.get(spender) : U128.zero()
  }
}

/** The live token state; replaced whole by a snapshot import. */
export let token = new TokenState()

export function replaceToken(next: TokenState): void {
  token = next
}
