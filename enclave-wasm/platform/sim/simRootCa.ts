/**
 * The simulated root CA: it certifies per-machine platform keys, as a vendor's provisioning does for real CPUs.
 * Its key is derived from a public label, so anyone can mint certificates: SIMULATION GIVES NO HARDWARE PROTECTION,
 * and SimAttestationVerifier refuses to run outside test chains for that reason.
 */
import { encodeAbiParameters, keccak256, stringToBytes, type Address, type Hex } from 'viem'
import { privateKeyToAddress, sign, serializeSignature } from 'viem/accounts'
import type { TcbStatus } from '../teePlatform'

/** The root CA's private key (public knowledge; see above). */
export const SIM_ROOT_CA_KEY: Hex = keccak256(stringToBytes('anonify/v1 sim root ca'))

/** The address SimAttestationVerifier pins. */
export const SIM_ROOT_CA_ADDRESS: Address = privateKeyToAddress(SIM_ROOT_CA_KEY)

/** Domain tag of platform certificates, as in SimAttestationVerifier.CERT_TAG. */
export const CERT_TAG: Hex = keccak256(stringToBytes('anonify/v1 sim platform cert'))

export type PlatformCertificate = {
  platformId: Hex
  platformKey: Address
  tcbStatus: TcbStatus
}

/** Digest a certificate signature covers: keccak256(abi.encode(CERT_TAG, platformId, platformKey, tcbStatus)). */
export function certificateDigest(cert: PlatformCertificate): Hex {
  return keccak256(
    encodeAbiParameters(
      [{ type: 'bytes32' }, { type: 'bytes16' }, { type: 'address' }, { type: 'uint8' }],
      [CERT_TAG, cert.platformId, cert.platformKey, cert.tcbStatus],
    ),
  )
}

/** Signs a platform certificate with `caKey` (the root CA's, unless a test plays an impostor CA). */
export async function certifyPlatform(cert: PlatformCertificate, caKey: Hex = SIM_ROOT_CA_KEY): Promise<Hex> {
  return serializeSignature(await sign({ hash: certificateDigest(cert), privateKey: caKey }))
}
