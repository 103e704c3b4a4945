/** What a member's enclave signs to replace its init key, as EpochKeys.initKeyDigest: one copy to sign and check. */
import { encodeAbiParameters, keccak256, type Address, type Hex } from 'viem'
import { INIT_KEY_TAG } from './constants'
import type { GroupState } from './groupState'

/** keccak256(abi.encode(INIT_KEY_TAG, chainId, ledger, signer, oldInitKey, newInitKey)). */
export function initKeyDigest(
  state: Pick<GroupState, 'chainId' | 'ledger'>,
  signer: Address,
  oldInitKey: Hex,
  newInitKey: Hex,
): Hex {
  return keccak256(
    encodeAbiParameters(
      [
        { type: 'bytes32' },
        { type: 'uint256' },
        { type: 'address' },
        { type: 'address' },
        { type: 'bytes32' },
        { type: 'bytes32' },
      ],
      [INIT_KEY_TAG, state.chainId, state.ledger, signer, oldInitKey, newInitKey],
    ),
  )
}
