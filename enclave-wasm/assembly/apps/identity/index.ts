// The identity app as the routing table sees it.
import { APP_IDENTITY } from '../../../shared/constants'
import { App, AppCommand } from '../../app'
import { Reader, Writer } from '../../codec'
import { Effects } from '../../effects'
import { applyIdentity } from './apply'
import { decodeIdentity, IdentityCommand } from './codec'
import { queryIdentity, writeAttestation } from './query'
import { identity } from './state'
import { commitIdentity, exportIdentity, stageIdentity } from './snapshot'

export class IdentityApp extends App {
  constructor() {
    super(<u8>APP_IDENTITY)
  }
  decode(caller: string, op: u8, reader: Reader): AppCommand | null {
    return decodeIdentity(caller, op, reader)
  }
  apply(command: AppCommand, block: u64, effects: Effects): i32 {
    return applyIdentity(<IdentityCommand>command, block, effects)
  }
  query(reader: Reader, writer: Writer): bool {
    return queryIdentity(reader, writer)
  }
  /** The account's attestation as the attestation query answers it. */
  readSection(account: string, _request: Reader, writer: Writer): void {
    writeAttestation(account, writer)
  }
  collectAccounts(accounts: Set<string>): void {
    const subjects = identity.attestations.keys()
    for (let i = 0; i < subjects.length; i++) accounts.add(subjects[i])
  }
  /** The account's attestation, as in its read section. */
  writeLeaf(account: string, writer: Writer): void {
    writeAttestation(account, writer)
  }
  exportSection(writer: Writer): void {
    exportIdentity(writer)
  }
  stageSection(reader: Reader): bool {
    return stageIdentity(reader)
  }
  commitSection(): void {
    commitIdentity()
  }
}
