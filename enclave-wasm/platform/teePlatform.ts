/**
 * The TEE platform seen by the loader: it records what it launched, signs evidence about it and derives its seal
 * keys. SimPlatform implements it in software; an SGX, TDX, SEV-SNP or Nitro backend replaces it behind this type.
 */

/** What the platform recorded when it launched an enclave (what EINIT / a launch digest fixes in hardware). */
export type LaunchRecord = {
  /** mrEnclave, computed by the loader (measure.ts). */
  measurement: Uint8Array
  /** mrSigner: the enclave author's identity. */
  signerId: Uint8Array
  productId: number
  svn: number
  /** A debug launch lets the host read enclave memory; registries refuse its evidence. */
  debug: boolean
}

/** Whose seal key: bound to this exact measurement, or to any enclave of the same signer and product. */
export type SealPolicy = 'measurement' | 'signer'

/** TCB status values, in the order the on-chain verifiers use (IAttestationVerifier.Claims.tcbStatus). */
export const TCB_STATUS = {
  UpToDate: 0,
  SWHardeningNeeded: 1,
  ConfigNeeded: 2,
  ConfigAndSWHardeningNeeded: 3,
  OutOfDate: 4,
  OutOfDateConfigNeeded: 5,
  Revoked: 6,
  Unknown: 7,
} as const

export type TcbStatus = (typeof TCB_STATUS)[keyof typeof TCB_STATUS]

/** Bytes of report data a quote carries. */
export const REPORT_DATA_BYTES = 64

export type TeePlatform = {
  readonly kind: 'SIM'
  /** Evidence that an enclave with `launch` produced `reportData` (64 bytes). */
  quote: (launch: LaunchRecord, reportData: Uint8Array) => Promise<Uint8Array>
  /** A 32-byte key only an enclave matching `policy` on this machine can obtain. */
  sealKey: (launch: LaunchRecord, policy: SealPolicy, keyId: Uint8Array) => Uint8Array
}
