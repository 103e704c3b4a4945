/** Checkpoints and their signatures as the node API carries them: JSON, `seq` as a decimal string, every field checked. */
import { isHex, type Hex } from 'viem'
import type { CheckpointSignature } from '../../enclave-wasm/protocol'
import type { Checkpoint } from '../../enclave-wasm/envelopes/checkpointTypes'
import type { GatheredCheckpoint } from './checkpointExchange'

const HASH_FIELDS = ['acc', 'stateRoot', 'snapshotHash', 'withdrawalRoot', 'auditRoot'] as const

export type CheckpointJson = { seq: string } & Record<(typeof HASH_FIELDS)[number], Hex>

export const checkpointToJson = (checkpoint: Checkpoint): CheckpointJson => ({
  ...checkpoint,
  seq: checkpoint.seq.toString(),
})

/** The checkpoint in `value`, or undefined if any field is missing or malformed. */
export function checkpointFromJson(value: unknown): Checkpoint | undefined {
  if (typeof value !== 'object' || value === null) return undefined
  const record = value as Record<string, unknown>
  if (typeof record.seq !== 'string' || !/^\d{1,20}$/.test(record.seq)) return undefined
  if (!HASH_FIELDS.every((field) => isHex(record[field], { strict: true }) && (record[field] as Hex).length === 66))
    return undefined
  const [acc, stateRoot, snapshotHash, withdrawalRoot, auditRoot] = HASH_FIELDS.map((field) => record[field] as Hex)
  return {
    seq: BigInt(record.seq),
    acc: acc!,
    stateRoot: stateRoot!,
    snapshotHash: snapshotHash!,
    withdrawalRoot: withdrawalRoot!,
    auditRoot: auditRoot!,
  }
}

/** A member's signature in `value`, or undefined. */
export function signatureFromJson(value: unknown): CheckpointSignature | undefined {
  if (typeof value !== 'object' || value === null) return undefined
  const { signer, signature } = value as Record<string, unknown>
  if (!isHex(signer, { strict: true }) || signer.length !== 42) return undefined
  if (!isHex(signature, { strict: true }) || signature.length !== 132) return undefined
  return { signer, signature }
}

export function gatheredFromJson(value: unknown): GatheredCheckpoint | undefined {
  if (typeof value !== 'object' || value === null) return undefined
  const { checkpoint, signatures } = value as Record<string, unknown>
  const parsed = checkpointFromJson(checkpoint)
  if (!parsed || !Array.isArray(signatures) || signatures.length > 256) return undefined
  const parsedSignatures = signatures.map(signatureFromJson)
  if (parsedSignatures.some((s) => s === undefined)) return undefined
  return { checkpoint: parsed, signatures: parsedSignatures as CheckpointSignature[] }
}
