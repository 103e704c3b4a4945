/** Drives member nodes in rounds, each taking one step in turn, until a condition holds: deterministic, no sleeps. */
import type { EnclaveStatus } from '../../enclave-wasm/protocol'
import { AnonifyError } from '../errors/base'
import type { MemberNode } from './createMemberNode'

/**
 * Steps `nodes` round-robin until `done(statuses)` is true; throws after `maxRounds` rounds.
 * @example
 * await stepUntil([alice, bob], (s) => s.every((x) => x.holdsEpoch))
 */
export async function stepUntil(
  nodes: readonly MemberNode[],
  done: (statuses: EnclaveStatus[]) => boolean | Promise<boolean>,
  maxRounds = 12,
): Promise<EnclaveStatus[]> {
  for (let round = 0; round < maxRounds; round++) {
    const statuses: EnclaveStatus[] = []
    for (const node of nodes) statuses.push(await node.step())
    if (await done(statuses)) return statuses
  }
  throw new AnonifyError(`The members did not converge within ${maxRounds} rounds.`, {
    metaMessages: ['Check that the chain is reachable and the enclave measurement is allowed.'],
  })
}
