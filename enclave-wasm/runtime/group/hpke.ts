/** Private-key HPKE operations of the enclave: deriving X25519 key pairs and opening what was sealed to them. */
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

/** Opens enc ‖ ciphertext with `privateKey`; throws on any failure. */
export async function openWith(privateKey: Uint8Array, info: Uint8Array, aad: Uint8Array, sealed: Uint8Array): Promise<Uint8Array> {
  const recipientKey = await suite.kem.deserializePrivateKey(buffer(privateKey))
  const enc = buffer(sealed.subarray(0, 32))
  return new Uint8Array(await suite.open({ recipientKey, enc, info: buffer(info) }, buffer(sealed.subarray(32)), buffer(aad)))
}
