/**
 * Test support: what an attacker who holds a simulated machine's file reads from a member's sealed state. Simulation
 * gives no hardware protection, so the seal key derives from that file; tests use this to show what a stolen or
 * malicious enclave knows (its epoch secrets, its signer key) and that it is not enough.
 */
import { hexToBytes, type Address, type Hex } from 'viem'
import { ENCLAVE_SIGNER_ID } from '../../platform/launchEnclave'
import { ENCLAVE_BUILD_DIR } from '../../platform/launchNodeEnclave'
import { readEnclaveManifest } from '../../platform/manifest'
import { createSimPlatform, type SimMachine } from '../../platform/sim/createSimPlatform'
import type { GroupState } from './groupState'
import { unsealState } from '../sealState'

/** The group state sealed in `blob` by the built enclave on `machine` for (chainId, ledger). */
export async function unsealAsAttacker(
  machine: SimMachine,
  blob: Uint8Array,
  { chainId, ledger }: { chainId: bigint; ledger: Address },
): Promise<GroupState> {
  const manifest = await readEnclaveManifest(ENCLAVE_BUILD_DIR)
  const platform = createSimPlatform(machine)
  const launch = {
    measurement: hexToBytes(manifest.measurement as Hex),
    signerId: ENCLAVE_SIGNER_ID,
    productId: 1,
    svn: 1,
    debug: false,
  }
  const client = {
    quote: async () => new Uint8Array(),
    sealKey: async (policy: 'measurement' | 'signer', keyId: Uint8Array) => platform.sealKey(launch, policy, keyId),
  }
  return (await unsealState(client, blob, chainId, ledger)).group
}
