/** The `ingest` ECALL: applies Ledger inputs in order, each whole or not at all. */
import {
  COMMAND_RECORD_BYTES,
  INPUT_KIND,
  SESSION_RECORD_BYTES,
  type EnclaveSchema,
  type LedgerInput,
} from '../../protocol'
import { applyWholeOrNothing } from '../applyWholeOrNothing'
import { bound, refreshCommandKey, type EnclaveState } from '../enclaveState'
import { applyInput } from '../group/applyInput'
import { InputRejectedError } from '../group/inputRejectedError'
import { applyCommandBatch } from '../ledger/applyCommandBatch'
import { applyIssuerGrant } from '../ledger/applyIssuerGrant'
import { applySessionBatch } from '../ledger/applySessionBatch'

export async function ingest(
  state: EnclaveState,
  { inputs }: EnclaveSchema['ingest']['params'],
): Promise<EnclaveSchema['ingest']['result']> {
  const group = bound(state)
  const sessions = state.sessions!
  for (const input of inputs) {
    await applyWholeOrNothing(group, input, async () => {
      await applyInput(group, input, async ({ kind, seq, payload }) => {
        const { receipts, history } = state.effects
        const context = { core: state.apps, receipts, history, seq, sessions }
        if (kind === INPUT_KIND.identityIssuerGranted) return applyIssuerGrant(context, input)
        refuseUnframedBatch(input)
        if (kind === INPUT_KIND.sessionBatch) return applySessionBatch(context, payload)
        const keys = {
          chainId: group.chainId,
          ledger: group.ledger,
          commandKeyOf: (epoch: number) => state.commandKeys.get(epoch),
        }
        return applyCommandBatch({ ...context, ...keys }, payload)
      })
      await refreshCommandKey(state, group)
    })
  }
  return { seq: group.seq }
}

/**
 * A batch is its block number (u64) then one or more whole records, as the Ledger emits it. Checked before anything
 * is applied, so a host that forges a short payload under a matching accumulator is refused instead of breaking the
 * replay.
 */
function refuseUnframedBatch({ seq, kind, payload }: LedgerInput): void {
  const recordBytes = kind === INPUT_KIND.sessionBatch ? SESSION_RECORD_BYTES : COMMAND_RECORD_BYTES
  if (payload.byteLength < 8 + recordBytes || (payload.byteLength - 8) % recordBytes !== 0)
    throw new InputRejectedError(`input ${seq} is not a block number and one or more ${recordBytes}-byte records`)
}
