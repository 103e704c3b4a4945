/** Errors of the Ledger actions in host/ledger/. */
import type { Hash } from 'viem'
import { AnonifyError } from './base'
import { MAX_RECORDS_PER_BATCH, RECORD_BYTES } from '../ledger/constants'

/** A deployment transaction was mined but reverted, or created no contract. */
export class ContractDeploymentError extends AnonifyError {
  override name = 'ContractDeploymentError' as const
  constructor({ contract, hash, evmVersion }: { contract: string; hash: Hash; evmVersion: string }) {
    super(`Deploying ${contract} (compiled for ${evmVersion}) failed in transaction ${hash}.`, {
      metaMessages: [
        'Check that the deployer account is funded and that the chain runs that EVM version or a later one.',
      ],
    })
  }
}

/** A Ledger transaction was mined but reverted (the simulation before sending passed, so the chain moved on). */
export class LedgerTransactionError extends AnonifyError {
  override name = 'LedgerTransactionError' as const
  constructor({ functionName, hash }: { functionName: string; hash: Hash }) {
    super(`The Ledger call ${functionName} reverted in transaction ${hash}.`, {
      metaMessages: ['The chain changed between simulation and inclusion; read the state again and retry.'],
    })
  }
}

/** A batch does not fit the Ledger's record format; checked before anything is sent. */
export class InvalidBatchError extends AnonifyError {
  override name = 'InvalidBatchError' as const
  constructor({ problem, recordBytes = RECORD_BYTES }: { problem: string; recordBytes?: number | undefined }) {
    super(`The batch cannot be submitted: ${problem}.`, {
      metaMessages: [`A batch holds 1 to ${MAX_RECORDS_PER_BATCH} records of exactly ${recordBytes} bytes.`],
    })
  }
}

/** The chain follower saw input `found` where it expected `expected`: the RPC skipped logs or reorganised. */
export class InputGapError extends AnonifyError {
  override name = 'InputGapError' as const
  constructor({ expected, found }: { expected: bigint; found: bigint }) {
    super(`The Ledger's inputs jump from ${expected - 1n} to ${found}.`, {
      metaMessages: ['Nothing was applied past the gap; the follower retries from the last applied input.'],
    })
  }
}

/**
 * The follower could not rebuild session batch `seq` (input kind 7) from its transaction: the transaction is missing,
 * is not a direct `submitSessions` call to the Ledger, or its records do not fold into the logged accumulator.
 */
export class SessionBatchUnavailableError extends AnonifyError {
  override name = 'SessionBatchUnavailableError' as const
  constructor({ seq, hash, problem, cause }: { seq: bigint; hash: Hash; problem: string; cause?: unknown }) {
    super(`Session batch ${seq} cannot be rebuilt from transaction ${hash}: ${problem}.`, {
      metaMessages: [
        'Nothing was applied from it; check that the RPC node serves full transactions and is not forked, then retry.',
      ],
      cause,
    })
  }
}

/**
 * The command key the chain (as the RPC answers) names for the current epoch does not check out against the rekey
 * input that set it: no such input, a proposer signature that does not recover, a proposer that is not an active
 * attested member with an allowed measurement, or a key other than the one proposed. Nothing was sealed to it.
 */
export class EpochKeyNotVerifiedError extends AnonifyError {
  override name = 'EpochKeyNotVerifiedError' as const
  constructor({ epoch, problem }: { epoch: bigint; problem: string }) {
    super(`The command key of epoch ${epoch} cannot be trusted: ${problem}.`, {
      metaMessages: [
        'Nothing was sealed to it. The RPC may be lying or behind: try again, or use another RPC endpoint.',
      ],
      docsPath: 'README.md#security-and-limits',
    })
  }
}

/** Registering the enclave failed for a reason that retrying cannot fix, or kept failing transiently: the node stops. */
export class RegistrationFailedError extends AnonifyError {
  override name = 'RegistrationFailedError' as const
  constructor({ reason, remedies, cause }: { reason: string; remedies: string[]; cause?: unknown }) {
    super(`The enclave cannot register: ${reason}`, {
      metaMessages: [...remedies, 'The node stopped instead of retrying; start it again once that is fixed.'],
      cause,
    })
  }
}

/**
 * The Ledger is paused: two different checkpoints for input `seq` were shown (a divergence), so it takes no command
 * batches and no checkpoints until governance resumes it.
 */
export class LedgerPausedError extends AnonifyError {
  override name = 'LedgerPausedError' as const
  constructor({ seq }: { seq: bigint }) {
    super(`The Ledger is paused by a divergence at input ${seq}; it takes no commands until governance resumes it.`, {
      metaMessages: ['Commands already queued are kept and posted after the resume; send new ones then.'],
      docsPath: 'DESIGN.md#4-the-group-and-its-ledger-one-ordered-input-stream',
    })
  }
}
