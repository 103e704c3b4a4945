/** Session grants' schema (assembly/apps/session/): the wallet signs the session key's hash, never the key. */
import { APP_SESSION } from '../../shared/constants'
import { SESSION_END, SESSION_START } from '../../shared/apps/session'
import { defineAppSchema } from './appSchema'

export const sessionSchema = defineAppSchema({
  app: APP_SESSION,
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
})
