/**
 * Tests' lying node: a read answer of its own making, sealed to the wallet's own reply key for the very request it
 * answers, claiming `balance` and "received `balance` from `from`", and signed by a key no member holds (or naming
 * `claimSigner` as the enclave that signed). Only a check of the signer against the chain can tell it from a real one.
 */
import { bytesToHex, hashTypedData, keccak256, type Address, type Hex } from 'viem'
import { generatePrivateKey, privateKeyToAccount, serializeSignature, sign } from 'viem/accounts'
import { readInfo, readReplyTypedData } from '../../enclave-wasm/envelopes/accountRead'
import { sealTo } from '../../enclave-wasm/envelopes/hpkeSuite'
import { encodeReadReply } from '../../enclave-wasm/envelopes/readReply'

export type ForgeReadAnswerParameters = {
  chainId: bigint
  ledger: Address
  /** The wallet's request as the node received it. */
  read: { account: Address; replyKey: Hex; requestNonce: Hex }
  /** A real position and accumulator, so only the signer gives it away. */
  seq: bigint
  acc: Hex
  balance: bigint
  from: Address
  claimSigner?: Address | undefined
}

/** The answer as the node API sends it (seq as a decimal string). */
export async function forgeReadAnswer(parameters: ForgeReadAnswerParameters) {
  const { chainId, ledger, read, seq, acc, balance, from, claimSigner } = parameters
  const plaintext = encodeReadReply({
    nonce: 0n,
    seq,
    receipt: undefined,
    apps: {
      token: { balance },
      session: undefined,
      identity: { present: false, attributes: 0, jurisdiction: 0, expiresBlock: 0n },
    },
    history: [{ seq, direction: 'received', op: 'transfer', counterparty: from, amount: balance, code: 0, nonce: 0n }],
  })
  const info = readInfo(chainId, ledger, read.account, read.requestNonce)
  const reply = bytesToHex(await sealTo(read.replyKey, info, new Uint8Array(), plaintext))
  const key = generatePrivateKey()
  const { account, replyKey, requestNonce } = read
  const binding = { account, replyKey, requestNonce, seq, acc, replyHash: keccak256(reply) }
  const digest = hashTypedData(readReplyTypedData(chainId, ledger, binding))
  const signature = serializeSignature(await sign({ hash: digest, privateKey: key }))
  return { reply, seq: `${seq}`, acc, signer: claimSigner ?? privateKeyToAccount(key).address, signature }
}
