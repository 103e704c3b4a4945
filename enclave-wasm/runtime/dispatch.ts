/** ECALL dispatch: one handler per method of the schema in protocol.ts, checked exhaustively. */
import { bytesToHex } from 'viem'
import { PROTOCOL_VERSION, type EnclaveRequest, type EnclaveSchema, type EnclaveStatus, type GroupView, type Hex } from '../protocol'
import type { PlatformClient } from '../platform/platformChannel'
import type { CoreExports } from './coreExports'
import { applyInput } from './group/applyInput'
import { ensureIdentity, proposeRekey, registrationReportData, rotateInitKey, GroupActionError } from './group/groupActions'
import { emptyGroupState, type GroupState } from './group/groupState'
import { groupStatus } from './group/groupStatus'
import { sealState, unsealState } from './sealState'

/** What a booted enclave holds. Lives only inside the Worker. */
export type EnclaveState = {
  core: CoreExports
  /** Handed over by the platform loader at boot; reported, never computed, by the enclave. */
  measurement: Hex
  platform: PlatformClient
  group: GroupState | undefined
}

type Result<request extends EnclaveRequest> = EnclaveSchema[request['method']]['result']

/** Runs one validated request against the booted enclave. */
export async function dispatch<request extends EnclaveRequest>(state: EnclaveState, request: request): Promise<Result<request>> {
  return (await run(state, request)) as Result<request>
}

async function run(state: EnclaveState, request: EnclaveRequest): Promise<unknown> {
  switch (request.method) {
    case 'getStatus':
      return getStatus(state)
    case 'bind': {
      const { chainId, ledger, sealed } = request.params
      if (state.group) throw new GroupActionError('the enclave is already bound to a deployment')
      state.group = sealed ? await unsealState(state.platform, sealed, chainId, ledger) : emptyGroupState(chainId, ledger)
      return null
    }
    case 'attest': {
      const group = bound(state)
      const identity = await ensureIdentity(group)
      const reportData = registrationReportData(group, identity, request.params.operator, request.params.anchorHash)
      const evidence = await state.platform.quote(reportData)
      return { evidence: bytesToHex(evidence), signer: identity.signer, initKey: identity.initKeys[0]!.publicKey }
    }
    case 'ingest': {
      const group = bound(state)
      for (const input of request.params.inputs) await applyInput(group, input)
      return { seq: group.seq }
    }
    case 'proposeRekey':
      return proposeRekey(bound(state))
    case 'rotateInitKey':
      return rotateInitKey(bound(state))
    case 'seal': {
      const group = bound(state)
      return { blob: await sealState(state.platform, group), seq: group.seq }
    }
    default: {
      const unreachable: never = request
      throw new Error(`unhandled method ${String((unreachable as EnclaveRequest).method)}`)
    }
  }
}

function bound(state: EnclaveState): GroupState {
  if (!state.group) throw new GroupActionError('bind the enclave to a deployment first')
  return state.group
}

/** The view of an enclave not yet bound to a deployment. */
const UNBOUND: GroupView = {
  signer: undefined,
  member: false,
  removed: false,
  seq: 0n,
  epoch: 0n,
  cmdPubKey: undefined,
  members: [],
  holdsEpoch: false,
  rekeyNeeded: false,
  designatedProposer: false,
  initKeyRotationDue: false,
  lastRekeyRefusal: undefined,
}

function getStatus(state: EnclaveState): EnclaveStatus {
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
