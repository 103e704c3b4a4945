// Session grants as an app: the core checks the encoding exactly and consumes the nonce, so a grant is ordered and
// never replayed like any command; the session key and expiry stay with the runtime. No state, an empty snapshot
// section; its read section is the runtime's, passed through.
import { APP_SESSION, OK } from '../../../shared/constants'
import { SESSION_END, SESSION_START } from '../../../shared/apps/session'
import { App, AppCommand } from '../../app'
import { Reader, Writer } from '../../codec'
import { Effects } from '../../effects'

export class SessionApp extends App {
  constructor() {
    super(<u8>APP_SESSION)
  }
  decode(caller: string, op: u8, reader: Reader): AppCommand | null {
    if (op == SESSION_START) {
      reader.skip(32)
      reader.u64()
    } else if (op != SESSION_END) return null
    return reader.done() ? new AppCommand(caller, <u8>APP_SESSION, op) : null
  }
  apply(_command: AppCommand, _block: u64, _effects: Effects): i32 {
    return OK
  }
  query(_reader: Reader, _writer: Writer): bool {
    return false
  }
  /** live u8 ‖ epoch u64 ‖ expiresBlock u64 ‖ next counter u64: the runtime keeps sessions, so it is in the request. */
  readSection(_account: string, request: Reader, writer: Writer): void {
    writer.u8(request.u8())
    writer.u64(request.u64())
    writer.u64(request.u64())
    writer.u64(request.u64())
  }
  exportSection(_writer: Writer): void {}
  stageSection(reader: Reader): bool {
    return reader.done()
  }
  commitSection(): void {}
}
