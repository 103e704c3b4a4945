/**
 * Sharing checkpoints: takes what the enclave signed at its checkpoint positions, leaves signature and snapshot in
 * the exchange, and submits a checkpoint to the Ledger once the exchange holds a majority of the epoch holders'
 * signatures over it (the Ledger checks them, and the two-operator rule, itself). A different checkpoint signed by another
 * member at the same position is reported as a divergence.
 */
import { ledgerAbi } from '../../../contracts/generated/ledger'
import { isAddressEqual } from 'viem'
import type { EnclaveStatus, SignedCheckpoint } from '../../../enclave-wasm/protocol'
import { checkpointHash } from '../../../enclave-wasm/envelopes/checkpointTypes'
import type { CheckpointExchange } from '../../checkpoint/checkpointExchange'
import { reportDivergence } from '../../ledger/reportDivergence'
import { submitCheckpoint } from '../../ledger/submitCheckpoint'
import type { Duty, DutyContext } from './dutyContext'
import { tolerateRace } from './tolerateRace'

export function createShareCheckpoints(context: DutyContext, exchange: CheckpointExchange): Duty {
  const { enclave, clients, deployment, onEvent } = context
  const ledger = deployment.contracts.ledger
  /**
   * Another member signed a different checkpoint at the same position: the line stops (the Ledger pauses) with both
   * signatures as evidence. Which of the two is wrong is for governance to find; neither may go on alone.
   */
  const reportIfDivergent = async (own: SignedCheckpoint) => {
    const other = await exchange.find(own.checkpoint.seq)
    const theirs = other?.signatures.find((s) => !isAddressEqual(s.signer, own.signer))
    if (!other || !theirs || checkpointHash(other.checkpoint) === checkpointHash(own.checkpoint)) return
    onEvent?.({ type: 'divergence', seq: own.checkpoint.seq })
    await tolerateRace(onEvent, 'reportDivergence', async () => {
      await reportDivergence(clients, {
        ledger,
        a: { checkpoint: other.checkpoint, ...theirs },
        b: { checkpoint: own.checkpoint, signer: own.signer, signature: own.signature },
      })
    })
  }
  /** The latest checkpoint this enclave signed that the Ledger has not accepted yet: tried again each pass. */
  let pending: SignedCheckpoint | undefined
  return async (status: EnclaveStatus) => {
    if (!status.member) return status
    const { checkpoints } = await enclave.takeCheckpoints()
    for (const signed of checkpoints) {
      await exchange.publish(signed)
      onEvent?.({ type: 'checkpointSigned', seq: signed.checkpoint.seq, stateRoot: signed.checkpoint.stateRoot })
      await reportIfDivergent(signed)
    }
    pending = checkpoints.at(-1) ?? pending
    if (!pending) return status
    const own = pending
    let gathered = await exchange.find(own.checkpoint.seq)
    // A node that had not made this checkpoint yet refused our signature (409): offer it again now.
    if (gathered && !gathered.signatures.some((s) => isAddressEqual(s.signer, own.signer))) {
      await exchange.publish(own)
      gathered = await exchange.find(own.checkpoint.seq)
    }
    // As the Ledger counts: over the members holding the epoch (a joiner cannot sign the state it lacks).
    const voters = status.epochHolders.length > 0 ? status.epochHolders : status.members
    const required = Math.floor(voters.length / 2) + 1
    if (!gathered || checkpointHash(gathered.checkpoint) !== checkpointHash(own.checkpoint)) return status
    if (gathered.signatures.length < required) return status
    const accepted = await clients.publicClient.readContract({
      address: ledger,
      abi: ledgerAbi,
      functionName: 'latestCheckpointSeq',
    })
    pending = undefined
    if (accepted >= own.checkpoint.seq) return status
    await tolerateRace(onEvent, 'checkpoint', async () => {
      await submitCheckpoint(clients, { ledger, checkpoint: gathered.checkpoint, signatures: gathered.signatures })
      onEvent?.({ type: 'checkpointAccepted', seq: own.checkpoint.seq, signers: gathered.signatures.length })
    })
    return status
  }
}
