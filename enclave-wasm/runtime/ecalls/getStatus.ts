/** The `getStatus` ECALL: what the enclave is and where it stands; answers before `bind` too. */
import { PROTOCOL_VERSION, type EnclaveStatus, type GroupView } from '../../protocol'
import type { EnclaveState } from '../enclaveState'
import { ZERO_HASH } from '../group/groupState'
import { groupStatus } from '../group/groupStatus'

/** The view of an enclave not yet bound to a deployment. */
const UNBOUND: GroupView = {
  signer: undefined,
  member: false,
  removed: false,
  seq: 0n,
  root: ZERO_HASH,
  restoring: false,
  checkpoint: undefined,
  acceptedCheckpoint: undefined,
  divergedAt: undefined,
  pausedAt: undefined,
  epoch: 0n,
  cmdPubKey: undefined,
  members: [],
  epochHolders: [],
  awaitingCheckpoint: undefined,
  pendingEpoch: undefined,
  rekeyAnswerDue: false,
  holdsEpoch: false,
  rekeyNeeded: false,
  designatedProposer: false,
  initKeyRotationDue: false,
  lastRekeyRefusal: undefined,
}

export function getStatus(state: EnclaveState): EnclaveStatus {
  return {
    booted: true,
    protocolVersion: PROTOCOL_VERSION,
    coreAbiVersion: state.core.coreAbiVersion(),
    measurement: state.measurement,
    platform: 'simulation',
    bound: state.group !== undefined,
    ...(state.group ? groupStatus(state.group) : UNBOUND),
  }
}
