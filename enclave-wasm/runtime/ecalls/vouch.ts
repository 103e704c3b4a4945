import {
  concatHex,
  decodeFunctionData,
  isAddressEqual,
  keccak256,
  numberToHex,
  pad,
  parseAbi,
  parseTransaction,
  serializeTransaction,
  type Address,
  type Hex,
  type TransactionSerialized,
} from 'viem'
import { recoverEnclaveSigner } from '../../envelopes/recoverEnclaveSigner'
import type { EnclaveSchema } from '../../protocol'
import { bound, type EnclaveState } from '../enclaveState'
import { GroupActionError } from '../group/groupActions'
import { memberOf, ownMember } from '../group/groupState'
import { vouchFor } from '../group/vouching'

/** EnclaveRegistry.register, the one call whose signed transaction vouches for a member. */
const REGISTER_ABI = parseAbi([
  'function register(bytes4 teeType, bytes evidence, address signer, bytes32 initKey, uint256 anchorBlock)',
])

/**
 * The `vouch` ECALL (group/vouching.ts): `transaction` must be the signed transaction that registered `signer` on this
 * Ledger, sent by its operator: another operator than this enclave's, whose members it vouched for before.
 */
export async function vouch(
  state: EnclaveState,
  { signer, transaction }: EnclaveSchema['vouch']['params'],
): Promise<EnclaveSchema['vouch']['result']> {
  const group = bound(state)
  const self = ownMember(group)
  const member = memberOf(group, signer)
  if (!self || !member) throw new GroupActionError(`${signer} is not a member this enclave knows`)
  if (isAddressEqual(member.operator, self.operator))
    throw new GroupActionError("this enclave's own operator cannot vouch for its members: its host is the one checked")
  if (!group.vouchedOperators.some((o) => isAddressEqual(o, member.operator)))
    throw new GroupActionError(`operator ${member.operator} has had no member this enclave vouched for`)
  let sender: Address | undefined
  let args: readonly unknown[]
  try {
    const { r, s, yParity, v: _v, ...unsigned } = parseTransaction(transaction as TransactionSerialized)
    if (unsigned.chainId !== Number(group.chainId) || !unsigned.to || !isAddressEqual(unsigned.to, group.ledger))
      throw new Error('not a transaction to this Ledger')
    ;({ args } = decodeFunctionData({ abi: REGISTER_ABI, data: unsigned.data ?? '0x' }))
    if (!r || !s || yParity === undefined) throw new Error('unsigned')
    // The sender, recovered as the chain does: the signature over the unsigned transaction's hash.
    const signature = concatHex([pad(r), pad(s), numberToHex(27 + yParity, { size: 1 })])
    sender = recoverEnclaveSigner(keccak256(serializeTransaction(unsigned)), signature)
  } catch {
    throw new GroupActionError('the transaction is not a signed register() call to this Ledger')
  }
  const [, , registered, initKey] = args as [Hex, Hex, Address, Hex]
  if (!isAddressEqual(registered, signer) || initKey.toLowerCase() !== member.initKey.toLowerCase())
    throw new GroupActionError(`the transaction registers another enclave than ${member.signer}`)
  if (!sender || !isAddressEqual(sender, member.operator))
    throw new GroupActionError(`the transaction was not sent by ${member.signer}'s operator ${member.operator}`)
  vouchFor(group, member)
  return null
}
