/**
 * The one HPKE suite of Anonify (RFC 9180 base mode): DHKEM(X25519, HKDF-SHA256) / HKDF-SHA256 / AES-128-GCM.
 * Public-key operations only: users' wallets seal with it; opening needs a private key and lives in the runtime.
 */
import { Aes128Gcm, CipherSuite, DhkemX25519HkdfSha256, HkdfSha256 } from '@hpke/core'
import { hexToBytes, type Hex } from 'viem'

export const suite = new CipherSuite({ kem: new DhkemX25519HkdfSha256(), kdf: new HkdfSha256(), aead: new Aes128Gcm() })

/** A copy as a plain ArrayBuffer, which @hpke/core takes. */
export const buffer = (bytes: Uint8Array) => bytes.slice().buffer as ArrayBuffer

/** Seals `plaintext` to the X25519 `publicKey`; returns enc (32) ‖ ciphertext ‖ tag (16). */
export async function sealTo(publicKey: Hex, info: Uint8Array, aad: Uint8Array, plaintext: Uint8Array): Promise<Uint8Array> {
  const recipientPublicKey = await suite.kem.deserializePublicKey(buffer(hexToBytes(publicKey)))
  const { enc, ct } = await suite.seal({ recipientPublicKey, info: buffer(info) }, buffer(plaintext), buffer(aad))
  const out = new Uint8Array(enc.byteLength + ct.byteLength)
  out.set(new Uint8Array(enc), 0)
  out.set(new Uint8Array(ct), enc.byteLength)
  return out
}
