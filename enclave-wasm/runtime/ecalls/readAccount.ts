/**
 * The `readAccount` ECALL: an account's own view, sealed to the reply key its wallet signed for, and signed by this
 * enclave's registered key over the request and the position it answers from, so a wallet can tell it from a forgery.
 */
import { bytesToHex, hashTypedData, keccak256 } from 'viem'
import { serializeSignature, sign } from 'viem/accounts'
import { MAX_READ_KEY_SECONDS, readInfo, readReplyTypedData } from '../../envelopes/accountRead'
import { sealTo } from '../../envelopes/hpkeSuite'
import type { EnclaveSchema } from '../../protocol'
import { bound, type EnclaveState } from '../enclaveState'
import { GroupActionError } from '../group/groupActions'
import { isAccountsReadKey } from './readKeys'

export async function readAccount(
  state: EnclaveState,
  { account, replyKey, expiresAt, requestNonce, signature }: EnclaveSchema['readAccount']['params'],
): Promise<EnclaveSchema['readAccount']['result']> {
  const group = bound(state)
  // Only the account's own wallet learns its balance: the answer is sealed to the key it signed for.
  if (!(await isAccountsReadKey(group, { account, replyKey, expiresAt, signature })))
    throw new GroupActionError('the read request is not signed by the account')
  // By the clock this enclave is given: a host that lies about it only helps whoever already holds the key's private half.
  const now = BigInt(Math.floor(Date.now() / 1000))
  if (expiresAt <= now || expiresAt > now + MAX_READ_KEY_SECONDS)
    throw new GroupActionError(`the read key expired, or lives longer than ${MAX_READ_KEY_SECONDS} seconds`)
  // A replica never presents state it cannot vouch for: a balance of 0 from a late joiner was the bug.
  if (group.root === undefined)
    throw new GroupActionError(
      `this enclave is restoring from a checkpoint (at input ${group.seq}): it has no state to show yet`,
    )
  const identity = group.identity
  if (!identity) throw new GroupActionError('this enclave has no signer yet: it cannot vouch for a reply')
  const key = account.toLowerCase()
  const live = state.sessions!.of(key)
  const session = live && { epoch: live.epoch, expiresBlock: live.expiresBlock, next: live.next }
  const plaintext = state.apps.readReply(account, {
    seq: group.seq,
    receipt: state.effects.receipts[key],
    history: state.effects.history[key] ?? [],
    apps: { session },
  })
  const { chainId, ledger, seq, acc } = group
  const reply = bytesToHex(
    await sealTo(replyKey, readInfo(chainId, ledger, account, requestNonce), new Uint8Array(), plaintext),
  )
  const binding = { account, replyKey, requestNonce, seq, acc, replyHash: keccak256(reply) }
  const digest = hashTypedData(readReplyTypedData(chainId, ledger, binding))
  const replySignature = serializeSignature(await sign({ hash: digest, privateKey: identity.signerKey }))
  return { reply, seq, acc, signer: identity.signer, signature: replySignature }
}
