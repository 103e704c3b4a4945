/** The `precheck` ECALL: whether a command record is worth a relayer's gas. Changes nothing. */
import { hexToBytes } from 'viem'
import { readU64 } from '../../envelopes/bigEndian'
import { COMMAND_RECORD_BYTES, type EnclaveSchema, type Hex } from '../../protocol'
import { bound, type EnclaveState } from '../enclaveState'
import { openCommand } from '../envelopes/openCommand'
import { openSessionRecord } from '../envelopes/sessionRecords'
import type { GroupState } from '../group/groupState'

/**
 * How far past an account's next nonce a record may be: a wallet may have this many commands in flight before the
 * first is final, while a stranger cannot fill a relayer's queue with records that could only apply much later.
 */
export const PRECHECK_NONCE_WINDOW = 16n

/**
 * Accepts a record that opens, is signed by its account, is not expired at `blockNumber` and whose nonce is in the
 * window. `blockNumber` comes from the host: a lie only makes its own relayer post or refuse in vain, since replicas
 * judge deadlines by the batch's own block.
 */
export async function precheck(
  state: EnclaveState,
  { record: hex, blockNumber }: EnclaveSchema['precheck']['params'],
): Promise<EnclaveSchema['precheck']['result']> {
  const group = bound(state)
  // Without state it cannot judge nonces: a restoring relayer posts nothing rather than guess.
  if (group.root === undefined) return { accepted: false }
  const record = hexToBytes(hex)
  const opened =
    record.byteLength === COMMAND_RECORD_BYTES
      ? await openSealed(state, group, record, blockNumber)
      : openSession(state, record, blockNumber)
  return { accepted: opened !== undefined && inWindow(opened.nonce, state.apps.account(opened.account).nonce) }
}

type Opened = { account: Hex; nonce: bigint }

async function openSealed(state: EnclaveState, group: GroupState, record: Uint8Array, blockNumber: bigint) {
  const opened = await openCommand({
    record,
    chainId: group.chainId,
    ledger: group.ledger,
    commandKeyOf: (epoch) => state.commandKeys.get(epoch),
    blockNumber,
  })
  return opened.ok ? ({ account: opened.account, nonce: opened.nonce } satisfies Opened) : undefined
}

/** A session record opens only at its session's next counter, so this also refuses one posted out of order. */
function openSession(state: EnclaveState, record: Uint8Array, blockNumber: bigint): Opened | undefined {
  const match = state.sessions!.find(record)
  if (!match || blockNumber > match.session.expiresBlock) return undefined
  const opened = openSessionRecord(match.encKey, match.counter, match.caller, record)
  if (!opened || blockNumber > opened.deadlineBlock) return undefined
  return { account: match.account as Hex, nonce: readU64(opened.command, 20) }
}

function inWindow(nonce: bigint, next: bigint): boolean {
  return nonce >= next && nonce < next + PRECHECK_NONCE_WINDOW
}
