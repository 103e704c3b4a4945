/**
 * The checkpoint members sign (EIP-712, under the same domain as wallets' commands): the Ledger's Checkpoints
 * contract recovers each signer from this exact type. Also the layouts of the stream inputs about checkpoints.
 */
import { encodeAbiParameters, keccak256, type Address, type Hex } from 'viem'
import { commandDomain } from './commandEnvelope'

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

const CHECKPOINT_TUPLE = { type: 'tuple', components: CHECKPOINT_TYPES.Checkpoint } as const

/** Payload of an `INPUT_KIND.checkpoint` input: (checkpoint, address[] signers ascending, bytes[] signatures). */
export const CHECKPOINT_INPUT_PARAMETERS = [
  CHECKPOINT_TUPLE,
  { name: 'signers', type: 'address[]' },
  { name: 'signatures', type: 'bytes[]' },
] as const

/** Payload of an `INPUT_KIND.divergence` input: (uint64 seq, bytes32 checkpointHashA, bytes32 checkpointHashB). */
export const DIVERGENCE_INPUT_PARAMETERS = [
  { name: 'seq', type: 'uint64' },
  { name: 'checkpointHashA', type: 'bytes32' },
  { name: 'checkpointHashB', type: 'bytes32' },
] as const

/** Payload of an `INPUT_KIND.resumed` input: (uint64 divergentSeq). */
export const RESUMED_INPUT_PARAMETERS = [{ name: 'divergentSeq', type: 'uint64' }] as const

/** keccak256(abi.encode(checkpoint)): what the Ledger stores per accepted checkpoint and names in a divergence. */
export function checkpointHash(checkpoint: Checkpoint): Hex {
  return keccak256(encodeAbiParameters([CHECKPOINT_TUPLE], [checkpoint]))
}

/** The EIP-712 typed data a member signs for `checkpoint` on the Ledger at `ledger` of chain `chainId`. */
export function checkpointTypedData(chainId: bigint, ledger: Address, checkpoint: Checkpoint) {
  return {
    domain: commandDomain(chainId, ledger),
    types: CHECKPOINT_TYPES,
    primaryType: 'Checkpoint',
    message: checkpoint,
  } as const
}
