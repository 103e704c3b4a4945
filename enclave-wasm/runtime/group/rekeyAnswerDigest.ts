/** What a member's enclave signs to answer a pending rekey, as EpochKeys.rekeyAnswerDigest: one copy to sign and check. */
import { encodeAbiParameters, keccak256, type Address, type Hex } from 'viem'
import { REKEY_ANSWER_TAG } from './constants'
import type { GroupState } from './groupState'

/** keccak256(abi.encode(REKEY_ANSWER_TAG, chainId, ledger, epoch, rekeySeq, signer, ack)). */
export function rekeyAnswerDigest(
  state: Pick<GroupState, 'chainId' | 'ledger'>,
  { epoch, rekeySeq, signer, ack }: { epoch: bigint; rekeySeq: bigint; signer: Address; ack: boolean },
): Hex {
  return keccak256(
    encodeAbiParameters(
      [
        { type: 'bytes32' },
        { type: 'uint256' },
        { type: 'address' },
        { type: 'uint64' },
        { type: 'uint64' },
        { type: 'address' },
        { type: 'bool' },
      ],
      [REKEY_ANSWER_TAG, state.chainId, state.ledger, epoch, rekeySeq, signer, ack],
    ),
  )
}
