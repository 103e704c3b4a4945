/** A wallet's authenticated read of its own account through an enclave: the host relays only ciphertext. */
import { bytesToHex, hexToBytes, type Address, type Hex } from 'viem'
import { READ_TYPES, readInfo } from '../../enclave-wasm/envelopes/accountRead'
import { decodeReadReply, type AccountReply } from '../../enclave-wasm/envelopes/readReply'
import { commandDomain } from '../../enclave-wasm/envelopes/commandEnvelope'
import { openWithKey, suite } from '../../enclave-wasm/envelopes/hpkeSuite'
import type { EnclaveClient } from '../enclave/createEnclaveClient'

export type ReadTypedData = {
  domain: ReturnType<typeof commandDomain>
  types: typeof READ_TYPES
  primaryType: 'Read'
  message: { account: Address; replyKey: Hex }
}

export type ReadAccountParameters = {
  chainId: bigint
  ledger: Address
  account: Address
  /** The account's EIP-712 signer. */
  signTypedData: (typedData: ReadTypedData) => Promise<Hex>
}

type ReadKey = { replyKey: Hex; signature: Hex; privateKey: Uint8Array }

/**
 * Reads an account with one read key: an X25519 pair whose public half the wallet signs once, so a browser asks for
 * one signature per page, not one per read. The private half stays in this object; a replayed signature only ever
 * gets replies sealed to it.
 * @example
 * const reader = createAccountReader({ chainId, ledger, account, signTypedData })
 * const { apps } = await reader.read(enclave) // apps.token.balance, apps.identity, apps.session
 */
export function createAccountReader(parameters: ReadAccountParameters) {
  const { chainId, ledger, account, signTypedData } = parameters
  let key: Promise<ReadKey> | undefined
  const signKey = async (): Promise<ReadKey> => {
    const pair = await suite.kem.generateKeyPair()
    const replyKey = bytesToHex(new Uint8Array(await suite.kem.serializePublicKey(pair.publicKey)))
    const signature = await signTypedData({
      domain: commandDomain(chainId, ledger),
      types: READ_TYPES,
      primaryType: 'Read',
      message: { account, replyKey },
    })
    return { replyKey, signature, privateKey: new Uint8Array(await suite.kem.serializePrivateKey(pair.privateKey)) }
  }
  return {
    async read(enclave: Pick<EnclaveClient, 'readAccount'>): Promise<AccountReply> {
      // A refused signature (the user said no) must not stick: the next read asks again.
      key ??= signKey().catch((error: unknown) => {
        key = undefined
        throw error
      })
      const { replyKey, signature, privateKey } = await key
      const { reply } = await enclave.readAccount({ account, replyKey, signature })
      return decodeReadReply(
        await openWithKey(privateKey, readInfo(chainId, ledger, account), new Uint8Array(), hexToBytes(reply)),
      )
    },
  }
}

/**
 * One read with a fresh read key.
 * @example
 * const { apps } = await readAccount(enclave, { chainId, ledger, account: alice.address, signTypedData: alice.signTypedData })
 */
export function readAccount(
  enclave: Pick<EnclaveClient, 'readAccount'>,
  parameters: ReadAccountParameters,
): Promise<AccountReply> {
  return createAccountReader(parameters).read(enclave)
}
