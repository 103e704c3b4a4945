/**
 * What a rekey proposer signs, exactly as EpochKeys.rekeyDigest computes it: the one copy that the proposing enclave
 * and every wallet checking an epoch key use. Public, no keys.
 */
import { encodeAbiParameters, keccak256, stringToBytes, type Address, type Hex } from 'viem'

/** EpochKeys.REKEY_TAG. */
export const REKEY_TAG: Hex = keccak256(stringToBytes('anonify/v1 rekey'))

export type RekeyDigestParameters = {
  chainId: bigint
  ledger: Address
  epoch: bigint
  /** The input the proposal was built at. */
  atSeq: bigint
  setHash: Hex
  cmdPubKey: Hex
  commit: Hex
  shares: readonly Hex[]
}

/**
 * keccak256(abi.encode(REKEY_TAG, chainId, ledger, epoch, atSeq, setHash, cmdPubKey, commit,
 * keccak256(abi.encode(shares)))).
 */
export function rekeyDigest({
  chainId,
  ledger,
  epoch,
  atSeq,
  setHash,
  cmdPubKey,
  commit,
  shares,
}: RekeyDigestParameters): Hex {
  return keccak256(
    encodeAbiParameters(
      [
        { type: 'bytes32' },
        { type: 'uint256' },
        { type: 'address' },
        { type: 'uint64' },
        { type: 'uint64' },
        { type: 'bytes32' },
        { type: 'bytes32' },
        { type: 'bytes32' },
        { type: 'bytes32' },
      ],
      [
        REKEY_TAG,
        chainId,
        ledger,
        epoch,
        atSeq,
        setHash,
        cmdPubKey,
        commit,
        keccak256(encodeAbiParameters([{ type: 'bytes[]' }], [shares])),
      ],
    ),
  )
}
