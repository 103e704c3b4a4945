/** What a booted enclave holds, and the helpers every ECALL handler shares. Lives only inside the Worker. */
import type { PlatformClient } from '../platform/platformChannel'
import type { Hex, SignedCheckpoint } from '../protocol'
import type { CoreExports } from './coreExports'
import { createCore, type Core } from './core/createCore'
import { GroupActionError } from './group/groupActions'
import type { GroupState } from './group/groupState'
import { deriveEpochKeys } from './group/keySchedule'
import { emptyEffects, type EffectsStore } from './effects/effectsStore'
import type { SessionBook } from './session/sessionBook'

export type EnclaveState = {
  core: CoreExports
  apps: Core
  /** Handed over by the platform loader at boot; reported, never computed, by the enclave. */
  measurement: Hex
  platform: PlatformClient
  group: GroupState | undefined
  /** Receipts, history and sessions: what the apps' effects leave for each account's wallet. */
  effects: EffectsStore
  /** Command private keys derived from held epoch secrets; never sealed (they derive again). */
  commandKeys: Map<number, Uint8Array>
  /** The index over the group's sessions; derived, built at bind. */
  sessions: SessionBook | undefined
  /** Checkpoints made since the host last took them (never sealed: a lost one is made again at the next position). */
  checkpoints: SignedCheckpoint[]
}

/** Builds the state of a freshly booted enclave around its core. */
export function bootState(core: CoreExports, measurement: Hex, platform: PlatformClient): EnclaveState {
  return {
    core,
    apps: createCore(core),
    measurement,
    platform,
    group: undefined,
    effects: emptyEffects(),
    commandKeys: new Map(),
    sessions: undefined,
    checkpoints: [],
  }
}

/** The group state of a bound enclave; every ECALL but `getStatus` and `bind` needs one. */
export function bound(state: EnclaveState): GroupState {
  if (!state.group) throw new GroupActionError('bind the enclave to a deployment first')
  return state.group
}

/** Keeps the command key of the epoch this enclave holds, and only that one: a rotation drops the old key. */
export async function refreshCommandKey(state: EnclaveState, group: GroupState): Promise<void> {
  const epoch = Number(group.epoch)
  if (!group.epochSecret) return state.commandKeys.clear()
  if (state.commandKeys.has(epoch)) return
  const { command } = await deriveEpochKeys(group.epochSecret, group.epoch)
  state.commandKeys.clear()
  state.commandKeys.set(epoch, command.privateKey)
}
