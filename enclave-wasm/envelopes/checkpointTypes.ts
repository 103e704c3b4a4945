/**
 * The checkpoint members sign (EIP-712, under the same domain as wallets' commands): the Ledger's Checkpoints
 * contract recovers each signer from this exact type.
 */
import type { Hex } from 'viem'

export const CHECKPOINT_TYPES = {
  Checkpoint: [
    { name: 'seq', type: 'uint64' },
    { name: 'acc', type: 'bytes32' },
    { name: 'stateRoot', type: 'bytes32' },
    { name: 'snapshotHash', type: 'bytes32' },
    { name: 'withdrawalRoot', type: 'bytes32' },
    { name: 'auditRoot', type: 'bytes32' },
  ],
} as const

export type Checkpoint = {
  seq: bigint
  acc: Hex
  stateRoot: Hex
  snapshotHash: Hex
  withdrawalRoot: Hex
  auditRoot: Hex
}
