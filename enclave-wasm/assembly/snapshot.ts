// The whole state as one canonical byte string of app-tagged sections:
//   version u8 = 2 ‖ count u8 ‖ count × (app u8 ‖ length u32 ‖ section), app 0 (nonces) first, then APPS in id order.
// Every app's section is present exactly once, so two replicas with equal states export equal bytes.
import { APP_CORE, FAIL_MALFORMED, OK } from '../shared/constants'
import { APPS } from './apps/registry'
import { Reader, Writer } from './codec'
import { commitNonces, exportNonces, stageNonces } from './nonces'

const SNAPSHOT_VERSION: u8 = 2

// Kept in globals so the collector never frees a buffer the host is reading or writing.
let exported: StaticArray<u8> = new StaticArray<u8>(0)
let staged: StaticArray<u8> = new StaticArray<u8>(0)

/** Encodes the state; read `snapshotLength()` bytes at `snapshotPtr()` afterwards. */
export function snapshotExport(): i32 {
  const writer = new Writer()
  writer.u8(SNAPSHOT_VERSION)
  writer.u8(<u8>(APPS.length + 1))
  const nonces = new Writer()
  exportNonces(nonces)
  section(writer, <u8>APP_CORE, nonces)
  for (let i = 0; i < APPS.length; i++) {
    const body = new Writer()
    APPS[i].exportSection(body)
    section(writer, APPS[i].id, body)
  }
  const bytes = writer.bytes
  exported = new StaticArray<u8>(bytes.length)
  for (let i = 0; i < bytes.length; i++) exported[i] = bytes[i]
  return bytes.length
}

function section(writer: Writer, app: u8, body: Writer): void {
  writer.u8(app)
  writer.u32(<u32>body.bytes.length)
  writer.append(body)
}

export function snapshotPtr(): usize {
  return changetype<usize>(exported)
}

export function snapshotLength(): i32 {
  return exported.length
}

/** Reserves `length` bytes for a snapshot the host will write; returns their address. */
export function snapshotStage(length: i32): usize {
  staged = new StaticArray<u8>(length)
  return changetype<usize>(staged)
}

/** Replaces the state with the staged snapshot if every section is well formed and canonical; else keeps the old. */
export function snapshotImport(): i32 {
  const base = changetype<usize>(staged)
  const reader = new Reader(base, staged.length)
  if (reader.u8() != SNAPSHOT_VERSION || reader.u8() != <u8>(APPS.length + 1)) return FAIL_MALFORMED
  let at = 2
  for (let i = -1; i < APPS.length; i++) {
    const app = reader.u8()
    const length = <i32>reader.u32()
    at += 5
    if (!reader.ok || length < 0 || length > staged.length - at) return FAIL_MALFORMED
    const body = new Reader(base + <usize>at, length)
    const ok = i < 0 ? app == APP_CORE && stageNonces(body) : app == APPS[i].id && APPS[i].stageSection(body)
    if (!ok) return FAIL_MALFORMED
    reader.skip(length)
    at += length
  }
  if (!reader.done()) return FAIL_MALFORMED
  // Every section parsed: only now does any live state change, so an import is whole or nothing.
  commitNonces()
  for (let i = 0; i < APPS.length; i++) APPS[i].commitSection()
  return OK
}
