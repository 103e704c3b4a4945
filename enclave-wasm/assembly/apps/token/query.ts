// Token queries: balance(address), allowance(owner, spender), token() (see shared/apps/token.ts for the answers).
import { TOKEN_QUERY_ALLOWANCE, TOKEN_QUERY_BALANCE, TOKEN_QUERY_TOKEN } from '../../../shared/apps/token'
import { NO_ADDRESS, Reader, Writer } from '../../codec'
import { token } from './state'

/** Answers one token query; false if it is malformed. */
export function queryToken(reader: Reader, writer: Writer): bool {
  const kind = reader.u8()
  if (kind == TOKEN_QUERY_BALANCE) {
    const holder = reader.address()
    if (!reader.done()) return false
    writer.u128(token.balanceOf(holder))
  } else if (kind == TOKEN_QUERY_ALLOWANCE) {
    const owner = reader.address()
    const spender = reader.address()
    if (!reader.done()) return false
    writer.u128(token.allowanceOf(owner, spender))
  } else if (kind == TOKEN_QUERY_TOKEN) {
    if (!reader.done()) return false
    writer.u8(token.issuer != '' ? 1 : 0)
    writer.address(token.issuer != '' ? token.issuer : NO_ADDRESS)
    writer.u128(token.totalSupply)
    writer.u8(token.requiredAttributes)
  } else return false
  return true
}
