/**
 * The KIND_REKEY input as the Ledger appends it (contracts/src/InputStream.sol): the one layout enclaves, wallets and
 * tools decode. The leading fields keep their positions, so readers that need only those decode by position.
 */
import { decodeAbiParameters, type Address, type Hex } from 'viem'

/** abi.encode(epoch, proposer, setHash, cmdPubKey, commit, shares, atSeq, signature). */
export const REKEY_PAYLOAD = [
  { type: 'uint64', name: 'epoch' },
  { type: 'address', name: 'proposer' },
  { type: 'bytes32', name: 'setHash' },
  { type: 'bytes32', name: 'cmdPubKey' },
  { type: 'bytes32', name: 'commit' },
  { type: 'bytes[]', name: 'shares' },
  { type: 'uint64', name: 'atSeq' },
  { type: 'bytes', name: 'signature' },
] as const

export type RekeyInput = {
  epoch: bigint
  proposer: Address
  setHash: Hex
  cmdPubKey: Hex
  commit: Hex
  shares: readonly Hex[]
  atSeq: bigint
  signature: Hex
}

/** Decodes a KIND_REKEY payload; throws on bytes that are not one. */
export function decodeRekeyInput(payload: Hex | Uint8Array): RekeyInput {
  const [epoch, proposer, setHash, cmdPubKey, commit, shares, atSeq, signature] = decodeAbiParameters(
    REKEY_PAYLOAD,
    payload,
  )
  return { epoch, proposer, setHash, cmdPubKey, commit, shares, atSeq, signature }
}
