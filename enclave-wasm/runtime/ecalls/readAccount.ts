/** The `readAccount` ECALL: an account's own view, sealed to the reply key its wallet signed for. */
import { bytesToHex, recoverTypedDataAddress } from 'viem'
import { READ_TYPES, readInfo } from '../../envelopes/accountRead'
import { commandDomain } from '../../envelopes/commandEnvelope'
import { sealTo } from '../../envelopes/hpkeSuite'
import type { EnclaveSchema } from '../../protocol'
import { bound, type EnclaveState } from '../enclaveState'
import { GroupActionError } from '../group/groupActions'

export async function readAccount(
  state: EnclaveState,
  { account, replyKey, signature }: EnclaveSchema['readAccount']['params'],
): Promise<EnclaveSchema['readAccount']['result']> {
  const group = bound(state)
  const signer = await recoverTypedDataAddress({
    domain: commandDomain(group.chainId, group.ledger),
    types: READ_TYPES,
    primaryType: 'Read',
    message: { account, replyKey },
    signature,
  }).catch(() => undefined)
  // Only the account's own wallet learns its balance: the answer is sealed to the key it signed for.
  if (!signer || signer.toLowerCase() !== account.toLowerCase())
    throw new GroupActionError('the read request is not signed by the account')
  // A replica never presents state it cannot vouch for: a balance of 0 from a late joiner was the bug.
  if (group.root === undefined)
    throw new GroupActionError(
      `this enclave is restoring from a checkpoint (at input ${group.seq}): it has no state to show yet`,
    )
  const key = account.toLowerCase()
  const live = state.sessions!.of(key)
  const session = live && { epoch: live.epoch, expiresBlock: live.expiresBlock, next: live.next }
  const plaintext = state.apps.readReply(account, {
    seq: group.seq,
    receipt: state.effects.receipts[key],
    history: state.effects.history[key] ?? [],
    apps: { session },
  })
  const reply = await sealTo(replyKey, readInfo(group.chainId, group.ledger, account), new Uint8Array(), plaintext)
  return { reply: bytesToHex(reply) }
}
