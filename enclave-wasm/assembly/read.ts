// Read reply v2 (layout in shared/constants.ts). The runtime holds the stream position, receipts, history and live
// sessions; the core holds nonces and app state. The request carries the runtime's part in the reply's own
// encodings, so the reply is composed here once, in one place, and every app writes its own section.
import { READ_HISTORY_ENTRIES, READ_REPLY_BYTES, READ_REPLY_VERSION } from '../shared/constants'
import { APPS, appOf } from './apps/registry'
import { Reader, Writer } from './codec'
import { nonceOf } from './nonces'

/**
 * Writes the reply for the request in `reader`: account (20) ‖ seq u64 ‖ receipt (present u8 ‖ nonce u64 ‖ code u16 ‖
 * seq u64) ‖ history count u8 ‖ count entries ‖ each app's runtime-held part in registry order (App.readSection).
 * False if the request is malformed.
 */
export function writeReadReply(reader: Reader, writer: Writer): bool {
  const account = reader.address()
  writer.u8(<u8>READ_REPLY_VERSION)
  writer.u64(nonceOf(account))
  writer.u64(reader.u64())
  writer.u8(reader.u8())
  writer.u64(reader.u64())
  writer.u16(reader.u16())
  writer.u64(reader.u64())
  const history = new Writer()
  const count = reader.u8()
  if (count > <u8>READ_HISTORY_ENTRIES) return false
  history.u8(count)
  for (let i: u8 = 0; i < count; i++) if (!copyEntry(reader, history)) return false
  for (let i = 0; i < APPS.length; i++) {
    writer.u8(APPS[i].id)
    APPS[i].readSection(account, reader, writer)
  }
  if (!reader.done()) return false
  writer.append(history)
  // Fixed, so the length tells nothing; outgrowing it is a build that added an app without raising the bucket.
  assert(writer.bytes.length <= READ_REPLY_BYTES, 'read reply over its bucket')
  while (writer.bytes.length < READ_REPLY_BYTES) writer.u8(0)
  return true
}

/** Copies one history entry, refusing one that names no app of this core. */
function copyEntry(reader: Reader, writer: Writer): bool {
  writer.u64(reader.u64())
  writer.u8(reader.u8())
  const app = reader.u8()
  writer.u8(app)
  writer.u8(reader.u8())
  writer.u16(reader.u16())
  writer.address(reader.address())
  writer.u128(reader.u128())
  writer.u64(reader.u64())
  return reader.ok && appOf(app) != null
}
