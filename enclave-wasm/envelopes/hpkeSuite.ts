/**
 * The one HPKE suite of Anonify (RFC 9180 base mode): DHKEM(X25519, HKDF-SHA256) / HKDF-SHA256 / AES-128-GCM.
 * Used on both sides: wallets seal commands and open replies sealed to their one-time reply keys; the enclave
 * opens commands and shares with keys that never leave it.
 */
import { Aes128Gcm, CipherSuite, DhkemX25519HkdfSha256, HkdfSha256 } from '@hpke/core'
import { hexToBytes, type Hex } from 'viem'

export const suite = new CipherSuite({ kem: new DhkemX25519HkdfSha256(), kdf: new HkdfSha256(), aead: new Aes128Gcm() })

/** A copy as a plain ArrayBuffer, which @hpke/core takes. */
export const buffer = (bytes: Uint8Array) => bytes.slice().buffer as ArrayBuffer

/** Opens enc ‖ ciphertext with the X25519 `privateKey` it was sealed to; throws on any failure. */
export async function openWithKey(
  privateKey: Uint8Array,
  info: Uint8Array,
  aad: Uint8Array,
  sealed: Uint8Array,
): Promise<Uint8Array> {
  const recipientKey = await suite.kem.deserializePrivateKey(buffer(privateKey))
  const enc = buffer(sealed.subarray(0, 32))
  return new Uint8Array(
    await suite.open({ recipientKey, enc, info: buffer(info) }, buffer(sealed.subarray(32)), buffer(aad)),
  )
}

/** Seals `plaintext` to the X25519 `publicKey`; returns enc (32) ‖ ciphertext ‖ tag (16). */
export async function sealTo(
  publicKey: Hex,
  info: Uint8Array,
  aad: Uint8Array,
  plaintext: Uint8Array,
): Promise<Uint8Array> {
  const recipientPublicKey = await suite.kem.deserializePublicKey(buffer(hexToBytes(publicKey)))
  const { enc, ct } = await suite.seal({ recipientPublicKey, info: buffer(info) }, buffer(plaintext), buffer(aad))
  const out = new Uint8Array(enc.byteLength + ct.byteLength)
  out.set(new Uint8Array(enc), 0)
  out.set(new Uint8Array(ct), enc.byteLength)
  return out
}
