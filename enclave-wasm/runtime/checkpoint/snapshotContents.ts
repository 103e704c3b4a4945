/**
 * What a snapshot holds: the position it was taken at, the running root there, the core's app sections and the
 * effects store. Canonical, so every honest member encodes the same state to the same bytes: records sorted by
 * account, sessions of earlier epochs (which the session book drops lazily) left out. Binary (stateCodec.ts), no cap.
 */
import type { Hex } from 'viem'
import type { EffectsStore } from '../effects/effectsStore'
import { decodeState, encodeState } from '../stateCodec'

export type SnapshotContents = {
  seq: bigint
  acc: Hex
  root: Hex
  /** The core's snapshot: every app's section (assembly/snapshot.ts). */
  core: Uint8Array
  effects: EffectsStore
}

const VERSION = 1

export function encodeSnapshot(contents: SnapshotContents, epoch: bigint): Uint8Array<ArrayBuffer> {
  const { receipts, history, sessions } = contents.effects
  const live = Object.fromEntries(Object.entries(sessions).filter(([, session]) => session.epoch === epoch))
  const effects: EffectsStore = { receipts: sorted(receipts), history: sorted(history), sessions: sorted(live) }
  return encodeState({ version: VERSION, ...contents, effects })
}

/** Decodes a snapshot that opened under the epoch's key; throws on one whose shape is not this version's. */
export function decodeSnapshot(bytes: Uint8Array): SnapshotContents {
  const value = decodeState(bytes) as Partial<SnapshotContents & { version: number }> | null
  const effects = value?.effects
  if (
    value?.version !== VERSION ||
    typeof value.seq !== 'bigint' ||
    typeof value.acc !== 'string' ||
    typeof value.root !== 'string' ||
    !(value.core instanceof Uint8Array) ||
    !isRecord(effects) ||
    !isRecord(effects.receipts) ||
    !isRecord(effects.history) ||
    !isRecord(effects.sessions)
  )
    throw new TypeError('the snapshot is not a version 1 Anonify snapshot')
  return { seq: value.seq, acc: value.acc, root: value.root, core: value.core, effects }
}

function sorted<value>(record: Record<string, value>): Record<string, value> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
}

function isRecord(value: unknown): value is Record<string, never> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
