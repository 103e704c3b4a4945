/**
 * Canonical encoding of the core's commands, derived from the app schemas (apps/registry.ts):
 * caller ‖ nonce u64 ‖ app u8 ‖ op u8 ‖ the op's fields in schema order (big-endian). Op names are unique across
 * apps, so `{ op, ...fields }` names its app too.
 */
import { bytesToHex, hexToBytes, type Address } from 'viem'
import type { AppSchema, CommandOf, Field, OpSchema } from './apps/appSchema'
import { FIELD_BYTES } from './apps/appSchema'
import { APP_SCHEMAS } from './apps/registry'
import { readU64 } from './bigEndian'

/** Every command of every app. */
export type CoreCommand = CommandOf<(typeof APP_SCHEMAS)[number]>

/** A command's bytes before its fields: caller 20 ‖ nonce 8 ‖ app 1 ‖ op 1. */
export const COMMAND_HEADER_BYTES = 30
export const SESSION_KEY_BYTES = 32
export const MAX_U128 = (1n << 128n) - 1n

type OpEntry = { name: string; app: number; schema: OpSchema }
const byName = new Map<string, OpEntry>()
const byCode = new Map<number, OpEntry>()
for (const app of APP_SCHEMAS as readonly AppSchema[])
  for (const [name, schema] of Object.entries(app.ops)) {
    if (byName.has(name)) throw new Error(`op ${name} is defined by two apps`)
    const entry = { name, app: app.app, schema }
    byName.set(name, entry)
    byCode.set((app.app << 8) | schema.code, entry)
  }

/** The schema entry of `op`; throws on a name no app defines. */
export function opSchemaOf(op: string): OpEntry {
  const entry = byName.get(op)
  if (!entry) throw new RangeError(`unknown op ${op}`)
  return entry
}

/** The op name of an (app, op) pair, or undefined if no app defines it. */
export function opNameOf(app: number, op: number): CoreCommand['op'] | undefined {
  return byCode.get((app << 8) | op)?.name as CoreCommand['op'] | undefined
}

/** Encodes `command` as sent by `caller` with `nonce`. Throws on a value outside its field's range. */
export function encodeCoreCommand(caller: Address, nonce: bigint, command: CoreCommand): Uint8Array {
  const { app, schema } = opSchemaOf(command.op)
  const values = command as unknown as Record<string, unknown>
  const size = schema.fields.reduce((n, field) => n + FIELD_BYTES[field.type], COMMAND_HEADER_BYTES)
  const out = new Uint8Array(size)
  const view = new DataView(out.buffer)
  out.set(hexToBytes(caller), 0)
  writeUint(view, 20, 8, nonce)
  out[28] = app
  out[29] = schema.code
  let at = COMMAND_HEADER_BYTES
  for (const field of schema.fields) {
    writeField(out, view, at, field, values[field.name])
    at += FIELD_BYTES[field.type]
  }
  return out
}

function writeField(out: Uint8Array, view: DataView, at: number, field: Field, value: unknown): void {
  if (field.type === 'address' || field.type === 'bytes32') {
    const bytes = hexToBytes(value as `0x${string}`)
    if (bytes.byteLength !== FIELD_BYTES[field.type]) throw new RangeError(`${field.name} must be ${field.type}`)
    out.set(bytes, at)
  } else writeUint(view, at, FIELD_BYTES[field.type], BigInt(value as bigint | number))
}

function writeUint(view: DataView, at: number, bytes: number, value: bigint): void {
  if (value < 0n || value >= 1n << BigInt(bytes * 8)) throw new RangeError(`value must fit in ${bytes * 8} bits`)
  for (let i = bytes - 1; i >= 0; i--, value >>= 8n) view.setUint8(at + i, Number(value & 0xffn))
}

export type DecodedCoreCommand = { caller: Address; nonce: bigint; command: CoreCommand }

/**
 * Decodes what `encodeCoreCommand` wrote, or returns undefined if it is not exactly one well-formed command.
 * Addresses come back in lowercase: this runs once per command on the enclave's hot path, where checksums cost a hash.
 */
export function decodeCoreCommand(bytes: Uint8Array): DecodedCoreCommand | undefined {
  if (bytes.byteLength < COMMAND_HEADER_BYTES) return undefined
  const entry = byCode.get((bytes[28]! << 8) | bytes[29]!)
  if (!entry) return undefined
  const size = entry.schema.fields.reduce((n, field) => n + FIELD_BYTES[field.type], COMMAND_HEADER_BYTES)
  if (bytes.byteLength !== size) return undefined
  const command: Record<string, unknown> = { op: entry.name }
  let at = COMMAND_HEADER_BYTES
  for (const field of entry.schema.fields) {
    const width = FIELD_BYTES[field.type]
    const slice = bytes.subarray(at, at + width)
    command[field.name] =
      field.type === 'address' || field.type === 'bytes32'
        ? bytesToHex(slice)
        : field.type === 'uint8' || field.type === 'uint16'
          ? slice.reduce((value, byte) => value * 256 + byte, 0)
          : readUint(slice)
    at += width
  }
  return { caller: bytesToHex(bytes.subarray(0, 20)), nonce: readU64(bytes, 20), command: command as CoreCommand }
}

/** A u64 or u128 field. */
function readUint(bytes: Uint8Array): bigint {
  return bytes.byteLength === 8 ? readU64(bytes, 0) : (readU64(bytes, 0) << 64n) | readU64(bytes, 8)
}
