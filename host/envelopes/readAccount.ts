/** A wallet's authenticated read of its own account through an enclave: the host relays only ciphertext. */
import { bytesToHex, hexToBytes, type Address, type Hex } from 'viem'
import { READ_TYPES, decodeReadReply, readInfo, type AccountReply } from '../../enclave-wasm/envelopes/accountRead'
import { commandDomain } from '../../enclave-wasm/envelopes/commandEnvelope'
import { openWithKey, suite } from '../../enclave-wasm/envelopes/hpkeSuite'
import type { EnclaveClient } from '../enclave/createEnclaveClient'

export type ReadAccountParameters = {
  chainId: bigint
  ledger: Address
  account: Address
  /** The account's EIP-712 signer. */
  signTypedData: (typedData: {
    domain: ReturnType<typeof commandDomain>
    types: typeof READ_TYPES
    primaryType: 'Read'
    message: { account: Address; replyKey: Hex }
  }) => Promise<Hex>
}

/**
 * Asks `enclave` for the account's balance and nonce, sealed to a one-time reply key, and opens the reply.
 * @example
 * const { balance } = await readAccount(enclave, { chainId, ledger, account: alice.address, signTypedData: alice.signTypedData })
 */
export async function readAccount(enclave: Pick<EnclaveClient, 'readAccount'>, parameters: ReadAccountParameters): Promise<AccountReply> {
  const { chainId, ledger, account, signTypedData } = parameters
  const pair = await suite.kem.generateKeyPair()
  const replyKey = bytesToHex(new Uint8Array(await suite.kem.serializePublicKey(pair.publicKey)))
  const signature = await signTypedData({ domain: commandDomain(chainId, ledger), types: READ_TYPES, primaryType: 'Read', message: { account, replyKey } })
  const { reply } = await enclave.readAccount({ account, replyKey, signature })
  const privateKey = new Uint8Array(await suite.kem.serializePrivateKey(pair.privateKey))
  return decodeReadReply(await openWithKey(privateKey, readInfo(chainId, ledger, account), new Uint8Array(), hexToBytes(reply)))
}

