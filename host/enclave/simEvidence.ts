/**
 * Registration evidence from a simulated machine for a signer key held outside any enclave, bound exactly as an
 * enclave binds it: contract tests and the bench register members they can sign as. Options bend one part each.
 */
import { sha256 } from '@noble/hashes/sha2.js'
import { concatBytes, encodePacked, hexToBytes, toHex, type Address, type Hex, type PublicClient } from 'viem'
import { ENCLAVE_SIGNER_ID } from '../../enclave-wasm/platform/launchEnclave'
import { createSimPlatform, type SimMachine } from '../../enclave-wasm/platform/sim/createSimPlatform'

export type SimEvidenceParameters = {
  publicClient: PublicClient
  machine: SimMachine
  ledger: Address
  operator: Address
  measurement: Hex
  signer: Address
  initKey: Hex
  debug?: boolean | undefined
  chainId?: bigint | undefined
  /** Bound in place of the Ledger (another contract). */
  contract?: Address | undefined
  anchorBlock?: bigint | undefined
}

/** What `registerEnclave` takes: the evidence and everything its report_data binds. */
export async function simEvidence(parameters: SimEvidenceParameters) {
  const { publicClient, ledger, signer, initKey } = parameters
  const anchorBlock = parameters.anchorBlock ?? (await publicClient.getBlockNumber()) - 1n
  const anchorHash = (await publicClient.getBlock({ blockNumber: anchorBlock })).hash
  const binding = sha256(
    hexToBytes(
      encodePacked(
        ['string', 'uint256', 'address', 'address', 'address', 'bytes32', 'bytes32'],
        [
          'anonify/v1 ra',
          parameters.chainId ?? BigInt(await publicClient.getChainId()),
          parameters.contract ?? ledger,
          parameters.operator,
          signer,
          initKey,
          anchorHash,
        ],
      ),
    ),
  )
  const launch = {
    measurement: hexToBytes(parameters.measurement),
    signerId: ENCLAVE_SIGNER_ID,
    productId: 1,
    svn: 1,
    debug: parameters.debug ?? false,
  }
  const evidence = await createSimPlatform(parameters.machine).quote(launch, concatBytes([binding, new Uint8Array(32)]))
  return { ledger, evidence: toHex(evidence), signer, initKey, anchorBlock }
}
