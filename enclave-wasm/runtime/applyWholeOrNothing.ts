/**
 * Applies one Ledger input whole or not at all, so a refused input never costs the enclave its instance. Group
 * inputs (membership, rekeys: a few per epoch) run against a saved copy of what they change and roll back on any
 * failure. Command batches (the hot path) and governance grants change the core in place; they are refused only before
 * they start, so a failure inside one is a broken invariant.
 */
import { INPUT_KIND, type LedgerInput } from '../protocol'
import { InputRejectedError } from './group/inputRejectedError'
import type { GroupState } from './group/groupState'

/** Inputs that run commands on the core. */
const APP_INPUTS = new Set<number>([INPUT_KIND.commandBatch, INPUT_KIND.sessionBatch, INPUT_KIND.identityIssuerGranted])

/** An input failed after it began to change the state: the instance must not serve another request. */
export class BrokenInvariantError extends Error {
  override name = 'BrokenInvariantError' as const
}

/** Runs `apply` for `input`; throws `InputRejectedError` if nothing changed, `BrokenInvariantError` otherwise. */
export async function applyWholeOrNothing(
  group: GroupState,
  input: LedgerInput,
  apply: () => Promise<void>,
): Promise<void> {
  const saved = APP_INPUTS.has(input.kind) ? undefined : save(group)
  try {
    await apply()
  } catch (error) {
    if (saved) Object.assign(group, saved)
    if (error instanceof InputRejectedError) throw error
    const reason = error instanceof Error ? error.message : String(error)
    if (saved)
      throw new InputRejectedError(`input ${input.seq} (kind ${input.kind}) cannot be applied: ${reason}`, {
        cause: error,
      })
    throw new BrokenInvariantError(`input ${input.seq} failed half-applied: ${reason}`, { cause: error })
  }
}

/** O(members): the per-account effects live apart (EffectsStore), and only app inputs change them. */
function save(group: GroupState): GroupState {
  return structuredClone(group)
}
