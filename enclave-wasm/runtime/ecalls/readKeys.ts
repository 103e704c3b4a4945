/**
 * Read keys whose signature this enclave has checked. A page or process reads many times with one signed key, and
 * recovering its EIP-712 signer is the largest part of a read's cost; a key seen before is taken as checked. Keyed by
 * every signed field and the signature itself, so nothing but the exact same signed key hits; its expiry is still
 * checked on every read. Bounded: the oldest is forgotten first, and merely checked again if it comes back.
 */
import { recoverTypedDataAddress, type Address, type Hex } from 'viem'
import { READ_TYPES } from '../../envelopes/accountRead'
import { commandDomain } from '../../envelopes/commandEnvelope'

const MAX_CHECKED_KEYS = 1_024

const checked = new Set<string>()

export type SignedReadKey = { account: Address; replyKey: Hex; expiresAt: bigint; signature: Hex }

/** Whether `signature` is the account's own EIP-712 `Read` over this key, on this deployment. */
export async function isAccountsReadKey(
  { chainId, ledger }: { chainId: bigint; ledger: Address },
  { account, replyKey, expiresAt, signature }: SignedReadKey,
): Promise<boolean> {
  const id = `${chainId}:${ledger}:${account}:${replyKey}:${expiresAt}:${signature}`.toLowerCase()
  if (checked.has(id)) return true
  const signer = await recoverTypedDataAddress({
    domain: commandDomain(chainId, ledger),
    types: READ_TYPES,
    primaryType: 'Read',
    message: { account, replyKey, expiresAt },
    signature,
  }).catch(() => undefined)
  if (!signer || signer.toLowerCase() !== account.toLowerCase()) return false
  if (checked.size >= MAX_CHECKED_KEYS) checked.delete(checked.values().next().value!)
  checked.add(id)
  return true
}
