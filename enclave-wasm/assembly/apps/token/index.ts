// The token app as the routing table sees it.
import { APP_TOKEN } from '../../../shared/constants'
import { App, AppCommand } from '../../app'
import { Reader, Writer } from '../../codec'
import { Effects } from '../../effects'
import { applyToken } from './apply'
import { decodeToken, TokenCommand } from './codec'
import { queryToken } from './query'
import { token } from './state'
import { commitToken, exportToken, stageToken, writeHolder } from './snapshot'

export class TokenApp extends App {
  constructor() {
    super(<u8>APP_TOKEN)
  }
  decode(caller: string, op: u8, reader: Reader): AppCommand | null {
    return decodeToken(caller, op, reader)
  }
  apply(command: AppCommand, block: u64, effects: Effects): i32 {
    return applyToken(<TokenCommand>command, block, effects)
  }
  query(reader: Reader, writer: Writer): bool {
    return queryToken(reader, writer)
  }
  /** balance u128. */
  readSection(account: string, _request: Reader, writer: Writer): void {
    writer.u128(token.balanceOf(account))
  }
  collectAccounts(accounts: Set<string>): void {
    const keys = token.holders.keys()
    for (let i = 0; i < keys.length; i++) accounts.add(keys[i])
  }
  /** balance u128 ‖ count u64 ‖ allowances sorted by spender, as in the snapshot section. */
  writeLeaf(account: string, writer: Writer): void {
    writeHolder(token.peek(account), writer)
  }
  exportSection(writer: Writer): void {
    exportToken(writer)
  }
  stageSection(reader: Reader): bool {
    return stageToken(reader)
  }
  commitSection(): void {
    commitToken()
  }
}
