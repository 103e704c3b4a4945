/** Session grants' schema (assembly/apps/session/): the wallet signs the session key's hash, never the key. */
import { APP_SESSION } from '../../shared/constants'
import { SESSION_END, SESSION_START } from '../../shared/apps/session'
import { defineAppSchema } from './appSchema'
import { presentAt, type ReadSection } from './readSection'

/** The account's live session as the enclave sees it: a wallet resumes its counter from `next`. */
export type SessionStatus = { epoch: bigint; expiresBlock: bigint; next: bigint }

/** live u8 ‖ epoch u64 ‖ expiresBlock u64 ‖ next u64, zeros when none; the runtime keeps sessions. */
const readSection: ReadSection<SessionStatus | undefined> = {
  bytes: 25,
  heldBy: 'runtime',
  encode: (session, view, at) => {
    if (!session) return
    view.setUint8(at, 1)
    view.setBigUint64(at + 1, session.epoch)
    view.setBigUint64(at + 9, session.expiresBlock)
    view.setBigUint64(at + 17, session.next)
  },
  decode: (view, at) =>
    presentAt(view, at, 24, 'session')
      ? {
          epoch: view.getBigUint64(at + 1),
          expiresBlock: view.getBigUint64(at + 9),
          next: view.getBigUint64(at + 17),
        }
      : undefined,
}

export const sessionSchema = defineAppSchema({
  app: APP_SESSION,
  name: 'session',
  ops: {
    /** Opens the account's fast path until `expiresBlock` or the next rekey; `sessionKey` is 32 secret bytes. */
    startSession: {
      code: SESSION_START,
      primaryType: 'SessionGrant',
      fields: [
        { name: 'sessionKey', type: 'bytes32', hashed: true },
        { name: 'expiresBlock', type: 'uint64' },
      ],
    },
    endSession: { code: SESSION_END, primaryType: 'SessionEnd', fields: [] },
  },
  failures: {},
  readSection,
})
