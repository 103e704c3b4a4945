/** The HPKE info of a rekey share: "anonify/v1 rekey" ‖ u256 chainId ‖ ledger ‖ u64 epoch ‖ member. */
import { encodePacked, hexToBytes, type Address } from 'viem'
import type { GroupState } from './groupState'

export function shareInfo(state: Pick<GroupState, 'chainId' | 'ledger'>, epoch: bigint, member: Address): Uint8Array {
  return hexToBytes(
    encodePacked(
      ['string', 'uint256', 'address', 'uint64', 'address'],
      ['anonify/v1 rekey', state.chainId, state.ledger, epoch, member],
    ),
  )
}
