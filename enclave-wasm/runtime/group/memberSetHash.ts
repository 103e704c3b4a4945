import { encodePacked, keccak256, type Hex } from 'viem'
import type { Member } from './groupState'

/** keccak256 of (signer ‖ init key) of every member, in order, as EnclaveRegistry.memberSetHash(). */
export function memberSetHash(state: { members: readonly Pick<Member, 'signer' | 'initKey'>[] }): Hex {
  const types = state.members.flatMap(() => ['address', 'bytes32'] as const)
  return keccak256(
    encodePacked(
      types,
      state.members.flatMap((m) => [m.signer, m.initKey]),
    ),
  )
}
