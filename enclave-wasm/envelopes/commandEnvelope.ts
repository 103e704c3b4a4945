/**
 * The sealed command envelope (reference §3.2): what a wallet posts and an enclave opens. Public format, no keys.
 *
 *   record (312)  = header (8) ‖ enc (32) ‖ AEAD(plaintext 256) ‖ tag (16)
 *   header        = version u8 = 1 ‖ suite u8 = 1 ‖ flags u16 = 0 ‖ epoch u32          (the AEAD's aad)
 *   info          = "anonify/v1 cmd" ‖ u256 chainId ‖ ledger ‖ u32 epoch
 *   plaintext     = len u16 ‖ body ‖ zero padding          body = signature (65) ‖ deadlineBlock u64 ‖ command
 *
 * `command` is the core's encoding (coreCommands.ts) and starts with the account and its nonce; the signature is the
 * account's EIP-712 signature over its op's primary type (`TokenTransfer`, …, or `SessionGrant` for a session start,
 * which binds the session key's hash and expiry; see COMMAND_TYPES), so the enclave learns the sender only inside the ciphertext.
 */
import {
  bytesToHex,
  concatBytes,
  encodePacked,
  hexToBytes,
  keccak256,
  type Address,
  type Hex,
  type TypedData,
  type TypedDataDefinition,
  type TypedDataParameter,
} from 'viem'
import type { AppSchema, Field } from './apps/appSchema'
import { APP_SCHEMAS } from './apps/registry'
import { opSchemaOf, type CoreCommand } from './coreCommands'

export { COMMAND_RECORD_BYTES } from '../protocol'
import { COMMAND_RECORD_BYTES } from '../protocol'
export const COMMAND_HEADER_BYTES = 8
export const COMMAND_PLAINTEXT_BYTES = 256
export const ENVELOPE_VERSION = 1
/** DHKEM(X25519, HKDF-SHA256) / HKDF-SHA256 / AES-128-GCM; v1 accepts exactly this one (no downgrade). */
export const ENVELOPE_SUITE = 1
const SIGNATURE_BYTES = 65

/** The 8-byte header for `epoch`. */
export function encodeCommandHeader(epoch: number): Uint8Array {
  const header = new Uint8Array(COMMAND_HEADER_BYTES)
  const view = new DataView(header.buffer)
  view.setUint8(0, ENVELOPE_VERSION)
  view.setUint8(1, ENVELOPE_SUITE)
  view.setUint32(4, epoch)
  return header
}

/** The epoch a record is sealed for, or undefined if its header is not a v1 header. */
export function readCommandEpoch(record: Uint8Array): number | undefined {
  if (record.byteLength !== COMMAND_RECORD_BYTES) return undefined
  const view = new DataView(record.buffer, record.byteOffset, COMMAND_HEADER_BYTES)
  if (view.getUint8(0) !== ENVELOPE_VERSION || view.getUint8(1) !== ENVELOPE_SUITE || view.getUint16(2) !== 0)
    return undefined
  return view.getUint32(4)
}

/** HPKE info: binds the deployment and the epoch. */
export function commandInfo(chainId: bigint, ledger: Address, epoch: number): Uint8Array {
  return hexToBytes(
    encodePacked(['string', 'uint256', 'address', 'uint32'], ['anonify/v1 cmd', chainId, ledger, epoch]),
  )
}

/** EIP-712 domain of a command, as `eth_signTypedData_v4` shows it to the user (version 2: one type per op). */
export function commandDomain(chainId: bigint, ledger: Address) {
  return { name: 'Anonify', version: '2', chainId, verifyingContract: ledger } as const
}

// No epoch: the seal binds it (HPKE info and header), and a signature that does not lets a wallet re-seal a command
// whose epoch settled away while it was in flight to the next one, without asking its user to sign again. The nonce
// still makes every copy after the first a no-op.
const ENVELOPE_FIELDS = [
  { name: 'account', type: 'address' },
  { name: 'nonce', type: 'uint64' },
  { name: 'deadlineBlock', type: 'uint64' },
] as const

/** The EIP-712 fields of one op: the envelope's, then its own (a hashed secret signed as `<name>Hash`). */
function typeOf(fields: readonly Field[]): TypedDataParameter[] {
  return [
    ...ENVELOPE_FIELDS,
    ...fields.map((field) => (field.hashed ? { name: `${field.name}Hash`, type: 'bytes32' } : field)),
  ].map(({ name, type }) => ({ name, type }))
}

/** One EIP-712 primary type per app command (`TokenTransfer`, `IdentityAttest`, `SessionGrant`, …). */
export const COMMAND_TYPES: Record<string, TypedDataParameter[]> = Object.fromEntries(
  (APP_SCHEMAS as readonly AppSchema[]).flatMap((app) =>
    Object.values(app.ops).map((op) => [op.primaryType, typeOf(op.fields)]),
  ),
)

/** What the wallet signs for a command: its op's primary type with only that type in `types`. */
export type CommandTypedData = TypedDataDefinition<TypedData, string>

export type CommandSigningParameters = {
  chainId: bigint
  ledger: Address
  account: Address
  nonce: bigint
  deadlineBlock: bigint
  command: CoreCommand
}

/** The EIP-712 typed data a wallet signs for `command`. */
export function commandTypedData({
  chainId,
  ledger,
  account,
  nonce,
  deadlineBlock,
  command,
}: CommandSigningParameters): CommandTypedData {
  const { schema } = opSchemaOf(command.op)
  const values = command as unknown as Record<string, unknown>
  const message: Record<string, unknown> = { account, nonce, deadlineBlock }
  for (const field of schema.fields)
    if (field.hashed) message[`${field.name}Hash`] = keccak256(values[field.name] as Hex)
    else message[field.name] = values[field.name]
  const primaryType = schema.primaryType
  // Built from the schema at run time, so abitype cannot see the literal types; viem validates them when hashing.
  const types = { [primaryType]: COMMAND_TYPES[primaryType]! } as unknown as TypedData
  return { domain: commandDomain(chainId, ledger), types, primaryType, message }
}

/** len u16 ‖ signature ‖ deadlineBlock u64 ‖ command ‖ zeros, exactly COMMAND_PLAINTEXT_BYTES long. */
export function encodeCommandPlaintext(signature: Hex, deadlineBlock: bigint, command: Uint8Array): Uint8Array {
  const deadline = new Uint8Array(8)
  new DataView(deadline.buffer).setBigUint64(0, deadlineBlock)
  const body = concatBytes([hexToBytes(signature), deadline, command])
  if (body.byteLength + 2 > COMMAND_PLAINTEXT_BYTES)
    throw new RangeError('the command does not fit the 256-byte bucket')
  const plaintext = new Uint8Array(COMMAND_PLAINTEXT_BYTES)
  new DataView(plaintext.buffer).setUint16(0, body.byteLength)
  plaintext.set(body, 2)
  return plaintext
}

/** Splits a plaintext back into its parts, or returns undefined if the length or the padding is wrong. */
export function decodeCommandPlaintext(
  plaintext: Uint8Array,
): { signature: Hex; deadlineBlock: bigint; command: Uint8Array } | undefined {
  if (plaintext.byteLength !== COMMAND_PLAINTEXT_BYTES) return undefined
  const view = new DataView(plaintext.buffer, plaintext.byteOffset, plaintext.byteLength)
  const length = view.getUint16(0)
  if (length < SIGNATURE_BYTES + 8 || length + 2 > COMMAND_PLAINTEXT_BYTES) return undefined
  if (plaintext.subarray(2 + length).some((byte) => byte !== 0)) return undefined
  const body = plaintext.subarray(2, 2 + length)
  return {
    signature: bytesToHex(body.subarray(0, SIGNATURE_BYTES)),
    deadlineBlock: new DataView(body.buffer, body.byteOffset + SIGNATURE_BYTES, 8).getBigUint64(0),
    command: body.slice(SIGNATURE_BYTES + 8),
  }
}
