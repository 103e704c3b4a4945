/** The HPKE suite of epoch shares and commands: DHKEM(X25519, HKDF-SHA256) / HKDF-SHA256 / AES-128-GCM (RFC 9180). */
import { Aes128Gcm, CipherSuite, DhkemX25519HkdfSha256, HkdfSha256 } from '@hpke/core'
import { bytesToHex, hexToBytes, type Hex } from 'viem'

export const suite = new CipherSuite({ kem: new DhkemX25519HkdfSha256(), kdf: new HkdfSha256(), aead: new Aes128Gcm() })

/** An X25519 key pair with the public half in the form the chain stores (bytes32). */
export type X25519KeyPair = { publicKey: Hex; privateKey: Uint8Array }

const buffer = (bytes: Uint8Array) => bytes.slice().buffer as ArrayBuffer

/** Derives a key pair from 32 bytes of input keying material (RFC 9180 §7.1.3). */
export async function deriveX25519(ikm: Uint8Array): Promise<X25519KeyPair> {
  const pair = await suite.kem.deriveKeyPair(buffer(ikm))
  return {
    publicKey: bytesToHex(new Uint8Array(await suite.kem.serializePublicKey(pair.publicKey))),
    privateKey: new Uint8Array(await suite.kem.serializePrivateKey(pair.privateKey)),
  }
}

/** Seals `plaintext` to `publicKey`; returns enc ‖ ciphertext. */
export async function sealTo(publicKey: Hex, info: Uint8Array, aad: Uint8Array, plaintext: Uint8Array): Promise<Uint8Array> {
  const recipientPublicKey = await suite.kem.deserializePublicKey(buffer(hexToBytes(publicKey)))
  const { enc, ct } = await suite.seal({ recipientPublicKey, info: buffer(info) }, buffer(plaintext), buffer(aad))
  const out = new Uint8Array(enc.byteLength + ct.byteLength)
  out.set(new Uint8Array(enc), 0)
  out.set(new Uint8Array(ct), enc.byteLength)
  return out
}

/** Opens enc ‖ ciphertext with `privateKey`; throws on any failure. */
export async function openWith(privateKey: Uint8Array, info: Uint8Array, aad: Uint8Array, sealed: Uint8Array): Promise<Uint8Array> {
  const recipientKey = await suite.kem.deserializePrivateKey(buffer(privateKey))
  const enc = buffer(sealed.subarray(0, 32))
  return new Uint8Array(await suite.open({ recipientKey, enc, info: buffer(info) }, buffer(sealed.subarray(32)), buffer(aad)))
}
