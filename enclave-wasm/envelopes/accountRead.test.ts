/**
 * Golden vectors for the authenticated read (accountRead.vectors.json): the digest a wallet signs for its read key,
 * the digest an enclave signs for its reply, and the HPKE info that binds the reply to its request. A change to any
 * of them is a protocol change: every wallet and enclave must move together.
 */
import { bytesToHex, hashTypedData, type Address, type Hex } from 'viem'
import { describe, expect, it } from 'vitest'
import { READ_TYPES, readInfo, readReplyTypedData } from './accountRead'
import vectors from './accountRead.vectors.json'
import { commandDomain } from './commandEnvelope'

const chainId = BigInt(vectors.chainId)
const ledger = vectors.ledger as Address
const read = { ...vectors.read, account: vectors.read.account as Address, replyKey: vectors.read.replyKey as Hex }
const reply = {
  account: vectors.reply.account as Address,
  replyKey: vectors.reply.replyKey as Hex,
  requestNonce: vectors.reply.requestNonce as Hex,
  seq: BigInt(vectors.reply.seq),
  acc: vectors.reply.acc as Hex,
  replyHash: vectors.reply.replyHash as Hex,
}

describe('authenticated read encodings', () => {
  it('signs the read key with its expiry under the command domain', () => {
    const message = { ...read, expiresAt: BigInt(read.expiresAt) }
    const typedData = {
      domain: commandDomain(chainId, ledger),
      types: READ_TYPES,
      primaryType: 'Read',
      message,
    } as const
    expect(hashTypedData(typedData)).toBe(vectors.readDigest)
    expect(hashTypedData({ ...typedData, message: { ...message, expiresAt: message.expiresAt + 1n } })).not.toBe(
      vectors.readDigest,
    )
  })

  it('binds the reply to its request, its position and its ciphertext', () => {
    expect(hashTypedData(readReplyTypedData(chainId, ledger, reply))).toBe(vectors.replyDigest)
    for (const changed of [
      { requestNonce: `0x${'00'.repeat(32)}` as Hex },
      { seq: reply.seq + 1n },
      { acc: `0x${'00'.repeat(32)}` as Hex },
      { replyHash: `0x${'00'.repeat(32)}` as Hex },
    ])
      expect(hashTypedData(readReplyTypedData(chainId, ledger, { ...reply, ...changed }))).not.toBe(vectors.replyDigest)
  })

  it('seals the reply under an info naming the deployment, the account and the request nonce', () => {
    expect(bytesToHex(readInfo(chainId, ledger, reply.account, reply.requestNonce))).toBe(vectors.info)
  })
})
