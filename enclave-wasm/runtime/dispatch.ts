/**
 * The ECALL table: one handler per method of the schema in protocol.ts, each typed by that method's params and
 * result, so a method added to the schema without a handler (or with the wrong shapes) does not compile.
 */
import type { EnclaveMethod, EnclaveRequest, EnclaveSchema } from '../protocol'
import { attest } from './ecalls/attest'
import { bind } from './ecalls/bind'
import { getStatus } from './ecalls/getStatus'
import { ingest } from './ecalls/ingest'
import { precheck } from './ecalls/precheck'
import { readAccount } from './ecalls/readAccount'
import { restore } from './ecalls/restore'
import { seal } from './ecalls/seal'
import { takeCheckpoints } from './ecalls/takeCheckpoints'
import { vouch } from './ecalls/vouch'
import { bound, type EnclaveState } from './enclaveState'
import { answerRekey, proposeRekey, rotateInitKey } from './group/groupActions'

type Ecall<method extends EnclaveMethod> = (
  state: EnclaveState,
  params: EnclaveSchema[method]['params'],
) => EnclaveSchema[method]['result'] | Promise<EnclaveSchema[method]['result']>

const ECALLS: { [method in EnclaveMethod]: Ecall<method> } = {
  getStatus,
  bind,
  attest,
  ingest,
  proposeRekey: (state) => proposeRekey(bound(state)),
  answerRekey: (state) => answerRekey(bound(state)),
  rotateInitKey: (state) => rotateInitKey(bound(state)),
  seal,
  takeCheckpoints,
  restore,
  vouch,
  precheck,
  readAccount,
}

/** Runs one validated request against the booted enclave. */
export async function dispatch<method extends EnclaveMethod>(
  state: EnclaveState,
  request: EnclaveRequest<method>,
): Promise<EnclaveSchema[method]['result']> {
  const handler = ECALLS[request.method] as Ecall<method>
  return handler(state, request.params)
}
