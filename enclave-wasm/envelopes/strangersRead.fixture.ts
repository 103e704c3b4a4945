/** Tests' stranger: a read signed by a fresh account of its own, for a reply key of the test's choice, expiring in `expiresIn` seconds. */
import type { Address, Hex } from 'viem'
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts'
import type { ReadRequest } from '../protocol'
import { READ_TYPES } from './accountRead'
import { commandDomain } from './commandEnvelope'

export async function aStrangersRead(
  chainId: bigint,
  ledger: Address,
  replyKey: Hex,
  { expiresIn = 600 }: { expiresIn?: number } = {},
): Promise<ReadRequest> {
  const account = privateKeyToAccount(generatePrivateKey())
  const message = { account: account.address, replyKey, expiresAt: BigInt(Math.floor(Date.now() / 1000) + expiresIn) }
  const signature = await account.signTypedData({
    domain: commandDomain(chainId, ledger),
    types: READ_TYPES,
    primaryType: 'Read',
    message,
  })
  return { ...message, requestNonce: `0x${'5e'.repeat(32)}`, signature }
}

/** `read` as the node's API takes it: JSON, with the expiry as a decimal string. */
export const readJson = (read: ReadRequest) => JSON.stringify({ ...read, expiresAt: `${read.expiresAt}` })
