/**
 * Test support: what whoever holds a simulated machine's file gets, the platform client of the built enclave on it.
 * Simulation gives no hardware protection, so the seal keys derive from that file; tests unseal a member's state
 * with this to show what a stolen or malicious enclave knows (its epoch secrets, its signer key).
 */
import { hexToBytes, type Hex } from 'viem'
import { ENCLAVE_SIGNER_ID } from '../launchEnclave'
import { ENCLAVE_BUILD_DIR } from '../launchNodeEnclave'
import { readEnclaveManifest } from '../manifest'
import type { PlatformClient } from '../platformChannel'
import type { SealPolicy } from '../teePlatform'
import { createSimPlatform, type SimMachine } from './createSimPlatform'

/** The built enclave's platform client on `machine`, outside any enclave. */
export async function stolenMachineClient(machine: SimMachine): Promise<PlatformClient> {
  const { measurement } = await readEnclaveManifest(ENCLAVE_BUILD_DIR)
  const platform = createSimPlatform(machine)
  const launch = {
    measurement: hexToBytes(measurement as Hex),
    signerId: ENCLAVE_SIGNER_ID,
    productId: 1,
    svn: 1,
    debug: false,
  }
  return {
    quote: async (reportData: Uint8Array) => platform.quote(launch, reportData),
    sealKey: async (policy: SealPolicy, keyId: Uint8Array) => platform.sealKey(launch, policy, keyId),
  }
}
