/** The account a node operates with: a key from ANONIFY_OPERATOR_KEY, or an unlocked account of a local node. */
import { createWalletClient, http, type Account, type Address, type Hex } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { isTransientError } from '../../host/chain/isTransientError'
import { AnonifyError } from '../../host/errors/base'
import { ChainUnreachableError } from '../../host/errors/chain'

/** Reads the operator from the environment (never argv, which `ps` shows), else the node's unlocked account `index`. */
export async function operatorAccount(rpcUrl: string, index: number | undefined): Promise<Account | Address> {
  const key = process.env.ANONIFY_OPERATOR_KEY
  if (key) {
    if (!/^0x[0-9a-fA-F]{64}$/.test(key))
      throw new AnonifyError('ANONIFY_OPERATOR_KEY is not a private key.', {
        metaMessages: ['Use 0x followed by 64 hex digits.'],
      })
    return privateKeyToAccount(key as Hex)
  }
  const addresses = await createWalletClient({ transport: http(rpcUrl, { retryCount: 0 }) })
    .getAddresses()
    .catch((cause: unknown) => {
      throw isTransientError(cause) ? new ChainUnreachableError({ rpcUrl, cause }) : cause
    })
  const address = addresses[index ?? 0]
  if (!address)
    throw new AnonifyError(`The node at ${rpcUrl} has no unlocked account #${index ?? 0} to operate with.`, {
      metaMessages: ["Set ANONIFY_OPERATOR_KEY to a funded account's private key, or pick another --operator-account."],
    })
  return address
}
