/** ECALL dispatch: one handler per method of the schema in protocol.ts, checked exhaustively. */
import { bytesToHex, recoverTypedDataAddress } from 'viem'
import { READ_TYPES, encodeReadReply, readInfo } from '../envelopes/accountRead'
import { commandDomain } from '../envelopes/commandEnvelope'
import { sealTo } from '../envelopes/hpkeSuite'
import type { PlatformClient } from '../platform/platformChannel'
import {
  COMMAND_RECORD_BYTES,
  INPUT_KIND,
  PROTOCOL_VERSION,
  SESSION_RECORD_BYTES,
  type EnclaveRequest,
  type EnclaveSchema,
  type EnclaveStatus,
  type GroupView,
  type Hex,
  type LedgerInput,
} from '../protocol'
import type { CoreExports } from './coreExports'
import { createCore, type Core } from './core/createCore'
import { applyWholeOrNothing } from './applyWholeOrNothing'
import { applyInput, InputRejectedError } from './group/applyInput'
import {
  attestedInitKey,
  ensureIdentity,
  GroupActionError,
  proposeRekey,
  registrationReportData,
  rotateInitKey,
} from './group/groupActions'
import { emptyGroupState, ZERO_HASH, type GroupState } from './group/groupState'
import { groupStatus } from './group/groupStatus'
import { deriveEpochKeys } from './group/keySchedule'
import { applyCommandBatch } from './ledger/applyCommandBatch'
import { applyIssuerGrant } from './ledger/applyIssuerGrant'
import { applySessionBatch } from './ledger/applySessionBatch'
import { createSessionBook, type SessionBook } from './session/sessionBook'
import { precheck } from './precheck'
import { sealState, unsealState } from './sealState'

/** What a booted enclave holds. Lives only inside the Worker. */
export type EnclaveState = {
  core: CoreExports
  apps: Core
  /** Handed over by the platform loader at boot; reported, never computed, by the enclave. */
  measurement: Hex
  platform: PlatformClient
  group: GroupState | undefined
  /** Command private keys derived from held epoch secrets; never sealed (they derive again). */
  commandKeys: Map<number, Uint8Array>
  /** The index over the group's sessions; derived, built at bind. */
  sessions: SessionBook | undefined
}

/** Builds the state of a freshly booted enclave around its core. */
export function bootState(core: CoreExports, measurement: Hex, platform: PlatformClient): EnclaveState {
  return {
    core,
    apps: createCore(core),
    measurement,
    platform,
    group: undefined,
    commandKeys: new Map(),
    sessions: undefined,
  }
}

type Result<request extends EnclaveRequest> = EnclaveSchema[request['method']]['result']

/** Runs one validated request against the booted enclave. */
export async function dispatch<request extends EnclaveRequest>(
  state: EnclaveState,
  request: request,
): Promise<Result<request>> {
  return (await run(state, request)) as Result<request>
}

async function run(state: EnclaveState, request: EnclaveRequest): Promise<unknown> {
  switch (request.method) {
    case 'getStatus':
      return getStatus(state)
    case 'bind': {
      const { chainId, ledger, sealed } = request.params
      if (state.group) throw new GroupActionError('the enclave is already bound to a deployment')
      if (!sealed) {
        state.group = emptyGroupState(chainId, ledger, state.measurement)
        state.sessions = createSessionBook(state.group)
        return null
      }
      const { group, snapshot } = await unsealState(state.platform, sealed, chainId, ledger)
      if (state.apps.importSnapshot(snapshot) !== 0)
        throw new GroupActionError('the sealed application state is malformed')
      // Sealed under the measurement policy, so it was this measurement; taken from the launch all the same.
      group.measurement = state.measurement
      state.group = group
      state.sessions = createSessionBook(group)
      // Command keys are not sealed; derive the held epoch's now, before the first batch after a restart.
      await refreshCommandKey(state, group)
      return null
    }
    case 'attest': {
      const group = bound(state)
      const identity = await ensureIdentity(group)
      const reportData = registrationReportData(group, identity, request.params.operator, request.params.anchorHash)
      const evidence = await state.platform.quote(reportData)
      return { evidence: bytesToHex(evidence), signer: identity.signer, initKey: attestedInitKey(group, identity) }
    }
    case 'ingest': {
      const group = bound(state)
      const sessions = state.sessions!
      for (const input of request.params.inputs) {
        await applyWholeOrNothing(group, input, async () => {
          await applyInput(group, input, async ({ kind, seq, payload }) => {
            const context = { core: state.apps, receipts: group.receipts, history: group.history, seq, sessions }
            if (kind === INPUT_KIND.identityIssuerGranted) return applyIssuerGrant(context, input)
            refuseUnframedBatch(input)
            if (kind === INPUT_KIND.sessionBatch) return applySessionBatch(context, payload)
            const keys = {
              chainId: group.chainId,
              ledger: group.ledger,
              commandKeyOf: (epoch: number) => state.commandKeys.get(epoch),
            }
            return applyCommandBatch({ ...context, ...keys }, payload)
          })
          await refreshCommandKey(state, group)
        })
      }
      return { seq: group.seq }
    }
    case 'proposeRekey':
      return proposeRekey(bound(state))
    case 'rotateInitKey':
      return rotateInitKey(bound(state))
    case 'seal': {
      const group = bound(state)
      return { blob: await sealState(state.platform, group, state.apps.exportSnapshot()), seq: group.seq }
    }
    case 'precheck':
      return precheck(state, bound(state), request.params)
    case 'readAccount': {
      const group = bound(state)
      const { account, replyKey, signature } = request.params
      const signer = await recoverTypedDataAddress({
        domain: commandDomain(group.chainId, group.ledger),
        types: READ_TYPES,
        primaryType: 'Read',
        message: { account, replyKey },
        signature,
      }).catch(() => undefined)
      // Only the account's own wallet learns its balance: the answer is sealed to the key it signed for.
      if (!signer || signer.toLowerCase() !== account.toLowerCase())
        throw new GroupActionError('the read request is not signed by the account')
      const { balance, nonce } = state.apps.account(account)
      const receipt = group.receipts[account.toLowerCase()]
      const history = group.history[account.toLowerCase()] ?? []
      const live = group.sessions[account.toLowerCase()]
      const session = live && { epoch: live.epoch, expiresBlock: live.expiresBlock, next: live.next }
      const plaintext = encodeReadReply({ balance, nonce, seq: group.seq, receipt, history, session })
      const reply = await sealTo(replyKey, readInfo(group.chainId, group.ledger, account), new Uint8Array(), plaintext)
      return { reply: bytesToHex(reply) }
    }
    default: {
      const unreachable: never = request
      throw new Error(`unhandled method ${String((unreachable as EnclaveRequest).method)}`)
    }
  }
}

/**
 * A batch is its block number (u64) then one or more whole records, as the Ledger emits it. Checked before anything
 * is applied, so a host that forges a short payload under a matching accumulator is refused instead of breaking the
 * replay.
 */
function refuseUnframedBatch({ seq, kind, payload }: LedgerInput): void {
  const recordBytes = kind === INPUT_KIND.sessionBatch ? SESSION_RECORD_BYTES : COMMAND_RECORD_BYTES
  if (payload.byteLength < 8 + recordBytes || (payload.byteLength - 8) % recordBytes !== 0)
    throw new InputRejectedError(`input ${seq} is not a block number and one or more ${recordBytes}-byte records`)
}

/** Keeps the command key of the epoch this enclave holds, and only that one: a rotation drops the old key. */
async function refreshCommandKey(state: EnclaveState, group: GroupState): Promise<void> {
  const epoch = Number(group.epoch)
  if (!group.epochSecret) return state.commandKeys.clear()
  if (state.commandKeys.has(epoch)) return
  const { command } = await deriveEpochKeys(group.epochSecret, group.epoch)
  state.commandKeys.clear()
  state.commandKeys.set(epoch, command.privateKey)
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
  root: ZERO_HASH,
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
