/**
 * A wallet's authenticated read of its own account through an enclave: the host relays only ciphertext, and the
 * answer counts only if the enclave that signed it answered this very request (envelopes/accountRead.ts). Whether that
 * enclave is a member and its position the Ledger's is checked against the chain (host/ledger/checkReadAnswer.ts).
 */
import {
  bytesToHex,
  getAddress,
  hashTypedData,
  hexToBytes,
  isAddressEqual,
  keccak256,
  type Address,
  type Hex,
} from 'viem'
import { READ_TYPES, readInfo, readReplyTypedData } from '../../enclave-wasm/envelopes/accountRead'
import { decodeReadReply, type AccountReply } from '../../enclave-wasm/envelopes/readReply'
import { commandDomain } from '../../enclave-wasm/envelopes/commandEnvelope'
import { openWithKey, suite } from '../../enclave-wasm/envelopes/hpkeSuite'
import { recoverEnclaveSigner } from '../../enclave-wasm/envelopes/recoverEnclaveSigner'
import type { EnclaveClient } from '../enclave/createEnclaveClient'
import { ReadReplyRefusedError } from '../errors/read'

export type ReadTypedData = {
  domain: ReturnType<typeof commandDomain>
  types: typeof READ_TYPES
  primaryType: 'Read'
  message: { account: Address; replyKey: Hex; expiresAt: bigint }
}

/** Seconds a read key lives by default: one signature per hour of an open page or a running process. */
export const READ_KEY_SECONDS = 3_600n
/** A key this close to its expiry is replaced before use, so a slow node does not see it expire in flight. */
const RENEW_MARGIN_SECONDS = 60n

export type ReadAccountParameters = {
  chainId: bigint
  ledger: Address
  account: Address
  /** The account's EIP-712 signer. */
  signTypedData: (typedData: ReadTypedData) => Promise<Hex>
  /** How long each signed read key lives (at most MAX_READ_KEY_SECONDS, which the enclave enforces). */
  keySeconds?: bigint | undefined
}

/** Whatever answers signed reads: an enclave client, or a node's API. */
export type AccountReadSource = Pick<EnclaveClient, 'readAccount'>

/** A reply that an enclave signed for this request; `answer` is what the chain must confirm. */
export type SignedAccountReply = {
  account: AccountReply
  answer: { signer: Address; seq: bigint; acc: Hex }
}

type ReadKey = { replyKey: Hex; expiresAt: bigint; signature: Hex; privateKey: Uint8Array }

const nowSeconds = () => BigInt(Math.floor(Date.now() / 1000))

/**
 * Reads an account with one read key at a time: an X25519 pair whose public half the wallet signs with an expiry, so
 * a browser asks for one signature per page (and hour), not one per read. The private half stays in this object; a
 * replayed signature only ever gets replies sealed to it, and a replayed reply answers another request's nonce.
 * @example
 * const reader = createAccountReader({ chainId, ledger, account, signTypedData })
 * const { account: { apps }, answer } = await reader.read(node, 'http://127.0.0.1:8547')
 */
export function createAccountReader(parameters: ReadAccountParameters) {
  const { chainId, ledger, account, signTypedData, keySeconds = READ_KEY_SECONDS } = parameters
  // The key in use, with its expiry known before its signature is: concurrent reads of an expiring key sign once.
  let key: { expiresAt: bigint; ready: Promise<ReadKey> } | undefined
  const signKey = async (expiresAt: bigint): Promise<ReadKey> => {
    const pair = await suite.kem.generateKeyPair()
    const replyKey = bytesToHex(new Uint8Array(await suite.kem.serializePublicKey(pair.publicKey)))
    const signature = await signTypedData({
      domain: commandDomain(chainId, ledger),
      types: READ_TYPES,
      primaryType: 'Read',
      message: { account, replyKey, expiresAt },
    })
    const privateKey = new Uint8Array(await suite.kem.serializePrivateKey(pair.privateKey))
    return { replyKey, expiresAt, signature, privateKey }
  }
  const currentKey = (): Promise<ReadKey> => {
    if (!key || key.expiresAt - RENEW_MARGIN_SECONDS <= nowSeconds()) {
      const expiresAt = nowSeconds() + keySeconds
      const started = {
        expiresAt,
        // A refused signature (the user said no) must not stick: the next read asks again.
        ready: signKey(expiresAt).catch((error: unknown) => {
          if (key === started) key = undefined
          throw error
        }),
      }
      key = started
    }
    return key.ready
  }
  return {
    /** One read through `source` (named `node` in refusals), checked to answer this request; throws ReadReplyRefusedError. */
    async read(source: AccountReadSource, node: string): Promise<SignedAccountReply> {
      const { replyKey, expiresAt, signature, privateKey } = await currentKey()
      const requestNonce = bytesToHex(crypto.getRandomValues(new Uint8Array(32)))
      const answer = await source.readAccount({ account, replyKey, expiresAt, requestNonce, signature })
      const named = getAddress(answer.signer)
      const refuse = (reason: 'forged' | 'notForThisRequest', detail: string) =>
        new ReadReplyRefusedError({ reason, node, detail, signer: named })
      const binding = {
        account,
        replyKey,
        requestNonce,
        seq: answer.seq,
        acc: answer.acc,
        replyHash: keccak256(answer.reply),
      }
      const signer = recoverEnclaveSigner(hashTypedData(readReplyTypedData(chainId, ledger, binding)), answer.signature)
      if (!signer || !isAddressEqual(signer, answer.signer))
        throw refuse('forged', `it is not signed by enclave ${named} over this request and its ciphertext.`)
      const plaintext = await openWithKey(
        privateKey,
        readInfo(chainId, ledger, account, requestNonce),
        new Uint8Array(),
        hexToBytes(answer.reply),
      ).catch(() => {
        throw refuse('notForThisRequest', 'it does not open to this request (an earlier reply replayed, or altered).')
      })
      let reply: AccountReply
      try {
        reply = decodeReadReply(plaintext)
      } catch (error) {
        throw refuse('notForThisRequest', `its content is not an enclave's reply (${(error as Error).message}).`)
      }
      if (reply.seq !== answer.seq)
        throw refuse('forged', `it is signed for input ${answer.seq} but holds state at input ${reply.seq}.`)
      return { account: reply, answer: { signer, seq: answer.seq, acc: answer.acc } }
    },
  }
}

export type AccountReader = ReturnType<typeof createAccountReader>

/**
 * One read with a fresh read key, checked to answer this request but not against the chain: for a replica's own
 * enclave, whose membership its operator knows (tests, benches). Wallets use createConfidentialWallet.
 * @example
 * const { apps } = await readAccount(enclave, { chainId, ledger, account: alice.address, signTypedData: alice.signTypedData })
 */
export async function readAccount(source: AccountReadSource, parameters: ReadAccountParameters): Promise<AccountReply> {
  return (await createAccountReader(parameters).read(source, 'the enclave')).account
}
