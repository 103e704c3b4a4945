/**
 * The simulated root CA: it certifies per-machine platform keys, as a vendor's provisioning does for real CPUs.
 * Its key is derived from a public label, so anyone can mint certificates: SIMULATION GIVES NO HARDWARE PROTECTION,
 * and SimAttestationVerifier refuses to run outside test chains for that reason.
 */
import { keccak256, stringToBytes, type Address, type Hex } from 'viem'
import { privateKeyToAddress, sign, serializeSignature } from 'viem/accounts'
import { simCertificateDigest } from '../../envelopes/verifySimEvidence'
import type { TcbStatus } from '../teePlatform'

/** The root CA's private key (public knowledge; see above). */
export const SIM_ROOT_CA_KEY: Hex = keccak256(stringToBytes('anonify/v1 sim root ca'))

/** The address SimAttestationVerifier pins (and envelopes/verifySimEvidence.ts, as SIM_ROOT_CA_ADDRESS). */
export const SIM_ROOT_CA_ADDRESS: Address = privateKeyToAddress(SIM_ROOT_CA_KEY)

export type PlatformCertificate = {
  platformId: Hex
  platformKey: Address
  tcbStatus: TcbStatus
}

/** Signs a platform certificate with `caKey` (the root CA's, unless a test plays an impostor CA). */
export async function certifyPlatform(cert: PlatformCertificate, caKey: Hex = SIM_ROOT_CA_KEY): Promise<Hex> {
  return serializeSignature(await sign({ hash: simCertificateDigest(cert), privateKey: caKey }))
}
