/**
 * Applies a KIND_IDENTITY_ISSUER_GRANTED input. Only a GOVERNOR_ROLE account can make the Ledger append one, so the
 * enclave turns it into the identity app's grantIssuer command from the governance caller, the one caller that op
 * accepts: governance alone sets or replaces the KYC issuer, and every replica applies the same command.
 */
import { decodeAbiParameters } from 'viem'
import { GOVERNANCE_CALLER } from '../../envelopes/apps/identityFacts'
import { encodeCoreCommand } from '../../envelopes/coreCommands'
import type { LedgerInput } from '../../protocol'
import { InputRejectedError } from '../group/inputRejectedError'
import { appliedOutcome, digestOutcomes, noteOutcome, type CommandContext } from './commandOutcome'

/** Returns the digest of the one command's outcome, as a batch of one would. */
export function applyIssuerGrant(context: CommandContext, input: LedgerInput): Uint8Array {
  const [blockNumber, , issuer] = decodeGrant(input)
  const nonce = context.core.nonce(GOVERNANCE_CALLER)
  const command = encodeCoreCommand(GOVERNANCE_CALLER, nonce, { op: 'grantIssuer', issuer })
  const { code, effects } = context.core.apply(command, blockNumber)
  noteOutcome(context, GOVERNANCE_CALLER, nonce, code, effects)
  return digestOutcomes([appliedOutcome(code, command)])
}

/** abi.encode(uint64 blockNumber, address governor, address issuer); anything else never came from the Ledger. */
function decodeGrant({ seq, payload }: LedgerInput) {
  try {
    return decodeAbiParameters([{ type: 'uint64' }, { type: 'address' }, { type: 'address' }], payload)
  } catch {
    throw new InputRejectedError(`input ${seq} is not an identity issuer grant`)
  }
}
