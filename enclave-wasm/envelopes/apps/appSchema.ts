/**
 * One schema per app: its id and name, each op's byte, EIP-712 primary type and argument fields, what its failure
 * codes mean, and its section of a read reply (readSection.ts). The TS codec (coreCommands.ts) and the EIP-712 types (commandEnvelope.ts) are derived from it; the AS codec
 * in assembly/apps/<app>/codec.ts is checked against it by golden vectors through the compiled core.
 */
import type { Address, Hex } from 'viem'
import type { ReadSection } from './readSection'

/** Field types and their encodings: address 20 bytes, unsigned integers big-endian, bytes32 as is. */
export const FIELD_BYTES = { address: 20, uint8: 1, uint16: 2, uint64: 8, uint128: 16, bytes32: 32 } as const
export type FieldType = keyof typeof FIELD_BYTES

export type Field = {
  name: string
  type: FieldType
  /** A secret the wallet signs only as `keccak256(value)` under `<name>Hash` (a session key). */
  hashed?: true
}
export type OpSchema = { code: number; primaryType: string; fields: readonly Field[] }
export type AppSchema = {
  app: number
  /** The app's key in a decoded read reply's `apps`. */
  name: string
  ops: Record<string, OpSchema>
  /** Failure code (u16, the app id in the high byte) -> what it means to a person. */
  failures: Record<number, string>
  readSection: ReadSection<unknown>
}

type FieldValue<type extends FieldType> = type extends 'address'
  ? Address
  : type extends 'bytes32'
    ? Hex
    : type extends 'uint8' | 'uint16'
      ? number
      : bigint

/** The command objects an app's schema describes: `{ op, ...fields }` (distributes over a union of schemas). */
export type CommandOf<schema extends AppSchema> = schema extends AppSchema
  ? {
      [op in keyof schema['ops'] & string]: { op: op } & {
        [field in schema['ops'][op]['fields'][number] as field['name']]: FieldValue<field['type']>
      }
    }[keyof schema['ops'] & string]
  : never

/** Checks a schema's shape at compile time and keeps its literal types. */
export const defineAppSchema = <const schema extends AppSchema>(schema: schema): schema => schema
