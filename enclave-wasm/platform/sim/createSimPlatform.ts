/**
 * SimPlatform: one simulated machine. Its platform secret stands for the CPU's fused key (seal keys derive from it),
 * its platform key signs quotes, and the root CA's certificate vouches for that key and its TCB status.
 * SIMULATION GIVES NO HARDWARE PROTECTION: all of this is ordinary memory of the host process.
 */
import { hkdf } from '@noble/hashes/hkdf.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { concatBytes, randomBytes } from '@noble/hashes/utils.js'
import { bytesToHex, hexToBytes, type Hex } from 'viem'
import { privateKeyToAddress, serializeSignature, sign } from 'viem/accounts'
import { TCB_STATUS, type LaunchRecord, type SealPolicy, type TcbStatus, type TeePlatform } from '../teePlatform'
import { certifyPlatform, SIM_ROOT_CA_KEY, type PlatformCertificate } from './simRootCa'
import { encodeEvidence, encodeQuote, quoteDigest } from './simQuote'

/** A simulated machine: everything a real CPU keeps in fuses and firmware. */
export type SimMachine = {
  /** Stands for the fused root key: seal keys derive from it, so another machine cannot unseal. */
  platformSecret: Hex
  /** Signs quotes (the quoting enclave's attestation key). */
  platformKey: Hex
  platformId: Hex
  tcbStatus: TcbStatus
  /** The root CA's signature over this machine's certificate. */
  certSig: Hex
}

export type CreateSimMachineParameters = {
  tcbStatus?: TcbStatus | undefined
  /** Who signs the certificate; the root CA unless a test plays an impostor. */
  caKey?: Hex | undefined
}

/** Provisions a new simulated machine with fresh secrets and a certificate. */
export async function createSimMachine(parameters: CreateSimMachineParameters = {}): Promise<SimMachine> {
  const { tcbStatus = TCB_STATUS.UpToDate, caKey = SIM_ROOT_CA_KEY } = parameters
  const platformKey = bytesToHex(randomBytes(32))
  const platformId = bytesToHex(randomBytes(16))
  const certSig = await certifyPlatform({ platformId, platformKey: privateKeyToAddress(platformKey), tcbStatus }, caKey)
  return { platformSecret: bytesToHex(randomBytes(32)), platformKey, platformId, tcbStatus, certSig }
}

/** The machine's certificate as the verifier sees it. */
export function certificateOf(machine: SimMachine): PlatformCertificate {
  return {
    platformId: machine.platformId,
    platformKey: privateKeyToAddress(machine.platformKey),
    tcbStatus: machine.tcbStatus,
  }
}

const SEAL_INFO = new TextEncoder().encode('anonify/v1 seal')

/** Wraps a machine as a `TeePlatform`. */
export function createSimPlatform(machine: SimMachine): TeePlatform {
  return {
    kind: 'SIM',
    async quote(launch: LaunchRecord, reportData: Uint8Array) {
      const quote = encodeQuote(launch, reportData)
      const quoteSig = serializeSignature(await sign({ hash: quoteDigest(quote), privateKey: machine.platformKey }))
      return encodeEvidence(quote, quoteSig, certificateOf(machine), machine.certSig)
    },
    sealKey(launch: LaunchRecord, policy: SealPolicy, keyId: Uint8Array) {
      // HKDF(platformSecret, salt = mrEnclave | mrSigner ‖ u16 productId, info = label ‖ keyId), as EGETKEY does.
      const product = new Uint8Array([launch.productId >> 8, launch.productId & 0xff])
      const salt = policy === 'measurement' ? launch.measurement : concatBytes(launch.signerId, product)
      return hkdf(sha256, hexToBytes(machine.platformSecret), salt, concatBytes(SEAL_INFO, keyId), 32)
    },
  }
}
