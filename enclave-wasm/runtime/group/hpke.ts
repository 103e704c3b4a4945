/** The enclave's X25519 key pairs (derived from its secrets) and opening what was sealed to them. */
import { bytesToHex } from 'viem'
import { buffer, suite } from '../../envelopes/hpkeSuite'

/** An X25519 key pair with the public half in the form the chain stores (bytes32). */
export type X25519KeyPair = { publicKey: `0x${string}`; privateKey: Uint8Array }

/** Derives a key pair from 32 bytes of input keying material (RFC 9180 §7.1.3). */
export async function deriveX25519(ikm: Uint8Array): Promise<X25519KeyPair> {
  const pair = await suite.kem.deriveKeyPair(buffer(ikm))
  return {
    publicKey: bytesToHex(new Uint8Array(await suite.kem.serializePublicKey(pair.publicKey))),
    privateKey: new Uint8Array(await suite.kem.serializePrivateKey(pair.privateKey)),
  }
}

export { openWithKey as openWith } from '../../envelopes/hpkeSuite'

/** What an exported OKP key (X25519) always carries, RFC 8037 §2. */
type OkpPublicJwk = Required<Pick<JsonWebKey, 'kty' | 'crv' | 'x'>>

/**
 * Imports an X25519 private key with its public half, the form @hpke/core opens with fastest: given a bare private
 * key it re-imports it and re-derives the public key on every open.
 */
export async function importRecipientKey(privateKey: Uint8Array): Promise<CryptoKeyPair> {
  const secret = await suite.kem.deserializePrivateKey(buffer(privateKey))
  // The public JWK: the exported fields without d.
  const { kty, crv, x } = (await crypto.subtle.exportKey('jwk', secret)) as OkpPublicJwk
  return { privateKey: secret, publicKey: await suite.kem.importKey('jwk', { kty, crv, x }, true) }
}

/** Opens enc ‖ ciphertext with a key pair from `importRecipientKey`; throws on any failure. */
export async function openWithRecipient(
  recipientKey: CryptoKeyPair,
  info: Uint8Array,
  aad: Uint8Array,
  sealed: Uint8Array,
): Promise<Uint8Array> {
  const enc = buffer(sealed.subarray(0, 32))
  return new Uint8Array(
    await suite.open({ recipientKey, enc, info: buffer(info) }, buffer(sealed.subarray(32)), buffer(aad)),
  )
}
