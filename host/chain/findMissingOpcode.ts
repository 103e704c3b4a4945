/** Checks that a chain runs the opcodes a compilation may contain, before anything depends on it. */
import type { Hex, PublicClient } from 'viem'
import { EVM_VERSIONS, type EvmVersion } from '../../contracts/generated/evmVersions'
import { isTransientError } from './isTransientError'

/** The opcodes solc emits on its own from an EVM version on, each as init code that runs it and stops. */
const PROBES: readonly { since: EvmVersion; opcode: string; code: Hex }[] = [
  { since: 'shanghai', opcode: 'PUSH0', code: '0x5f00' },
  // PUSH0 ×3, MCOPY(0, 0, 0), STOP.
  { since: 'cancun', opcode: 'MCOPY', code: '0x5f5f5f5e00' },
  // PUSH0, CLZ, STOP.
  { since: 'osaka', opcode: 'CLZ', code: '0x5f1e00' },
]

/**
 * The first opcode bytecode compiled for `evmVersion` may hold that the chain does not run (an `eth_call` of it
 * fails), or undefined when it runs them all. A transient RPC failure throws instead of counting as a missing opcode.
 * @example
 * const missing = await findMissingOpcode(publicClient, 'cancun') // 'MCOPY' on a Shanghai chain
 */
export async function findMissingOpcode(
  publicClient: PublicClient,
  evmVersion: EvmVersion,
): Promise<string | undefined> {
  const newest = EVM_VERSIONS.indexOf(evmVersion)
  for (const { since, opcode, code } of PROBES) {
    if (EVM_VERSIONS.indexOf(since) > newest) break
    try {
      await publicClient.call({ data: code })
    } catch (error) {
      if (isTransientError(error)) throw error
      return opcode
    }
  }
  return undefined
}
