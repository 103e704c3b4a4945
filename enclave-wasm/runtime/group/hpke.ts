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
