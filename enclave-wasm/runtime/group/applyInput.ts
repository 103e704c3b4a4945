/**
 * Applies one Ledger input to the group state, after checking it continues the chain's accumulator. Every enclave
 * runs this on the same inputs in the same order and reaches the same member list and epoch.
 *
 * The accumulator only proves the input continues the stream the host showed; a host can fabricate a whole stream
 * with a consistent accumulator. So membership inputs are checked for what only the member's enclave (or its
 * platform) could have made: registrations carry attestation evidence this enclave verifies itself, init-key updates
 * carry the member enclave's signature. Evidence can be forged where the platform's key is out (simulation, a leaked
 * key), so a new member also needs another operator's checkpoint before it gets anything (vouching.ts).
 */
import { hmac } from '@noble/hashes/hmac.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { bytesToHex, concatBytes, hexToBytes, isAddressEqual, type Hex } from 'viem'
import { INPUT_KIND, type LedgerInput } from '../../protocol'
import { checkRegistration, decodeRegistration, type Registration } from '../../envelopes/checkRegistration'
import {
  CHECKPOINT_INPUT_PARAMETERS,
  DIVERGENCE_INPUT_PARAMETERS,
  RESUMED_INPUT_PARAMETERS,
} from '../../envelopes/checkpointTypes'
import { nextAccumulator } from '../../envelopes/inputAccumulator'
import { recoverEnclaveSigner } from '../../envelopes/recoverEnclaveSigner'
import { checkpointDigest } from '../checkpoint/makeCheckpoint'
import { decodeInput } from './decodeInput'
import { memberOf, type GroupState } from './groupState'
import { initKeyDigest } from './initKeyDigest'
import { deriveEpochKey } from './keySchedule'
import { InputRejectedError } from './inputRejectedError'
import { applyRekey, applyRekeyAnswer, applyRekeySettled, voidPendingRekey } from './pendingRekey'
import { vouchByCheckpoint } from './vouching'

/**
 * Applies an input that changes application state (a command batch, sealed or session, or a governance grant);
 * returns the digest of its outcomes for the root.
 */
export type CommandBatchHandler = (input: LedgerInput) => Promise<Uint8Array>

const ROOT_LABEL = new TextEncoder().encode('anonify/v1 root')

/** Checks and applies `input`; mutates `state` only once every check has passed. */
export async function applyInput(
  state: GroupState,
  input: LedgerInput,
  onCommandBatch: CommandBatchHandler,
): Promise<void> {
  if (input.seq !== state.seq + 1n) throw new InputRejectedError(`expected input ${state.seq + 1n}, got ${input.seq}`)
  const payload = input.payload
  const acc = nextAccumulator(state.acc, input.seq, input.kind, payload)
  if (acc !== input.acc) throw new InputRejectedError(`input ${input.seq} does not match the chain's accumulator`)

  let outcome: Uint8Array = new Uint8Array(32)
  switch (input.kind) {
    case INPUT_KIND.commandBatch:
    case INPUT_KIND.sessionBatch:
    case INPUT_KIND.identityIssuerGranted:
      // An enclave without a root holds no state it can vouch for: it changes none until it restores.
      if (state.root !== undefined) outcome = await onCommandBatch(input)
      break
    case INPUT_KIND.memberAdded: {
      const registration = registrationOf(input)
      const { signer, operator, initKey, measurement } = registration
      if (state.members.some((m) => isAddressEqual(m.signer, signer)))
        throw new InputRejectedError(`input ${input.seq} adds ${signer} twice`)
      // Deterministic on every replica of this build: the evidence and the policy are all in the input and the code.
      // A refused member still takes its place, or positions and set hashes would part from the chain's.
      voidPendingRekey(state)
      const own = state.identity !== undefined && isAddressEqual(signer, state.identity.signer)
      const admitted = admits(state, registration)
      state.members.push({ signer, operator, initKey, measurement, admitted, addedAt: input.seq, vouched: own })
      break
    }
    case INPUT_KIND.memberReattested: {
      const registration = registrationOf(input)
      const member = memberOf(state, registration.signer)
      if (!member)
        throw new InputRejectedError(`input ${input.seq} re-attests ${registration.signer}, who is not a member`)
      // The latest evidence decides: one that fails here (or binds another init key than the one this enclave
      // knows) stops shares to the member; one that passes admits a member refused before.
      member.admitted = registration.initKey === member.initKey && admits(state, registration)
      break
    }
    case INPUT_KIND.memberRemoved: {
      const [signer] = decodeInput(input, [{ type: 'address' }, { type: 'uint8' }])
      state.members = state.members.filter((m) => !isAddressEqual(m.signer, signer))
      // As on chain: the pending rekey's shares and thresholds were for the old member set.
      voidPendingRekey(state)
      // A removed enclave forgets the group's secret at once; it could read up to here and never beyond. It drops the
      // identity too: that signer is retired on chain, and the enclave rejoins, if at all, under a new one.
      if (state.identity && isAddressEqual(signer, state.identity.signer)) {
        for (const initKey of state.identity.initKeys) initKey.privateKey.fill(0)
        state.identity = undefined
        state.epochSecret = undefined
        state.initKeyRotationDue = false
        state.removed = true
      }
      break
    }
    case INPUT_KIND.rekey:
      await applyRekey(state, input)
      break
    case INPUT_KIND.rekeyAck:
    case INPUT_KIND.rekeyComplaint:
      applyRekeyAnswer(state, input, input.kind === INPUT_KIND.rekeyAck)
      break
    case INPUT_KIND.rekeySettled:
      applyRekeySettled(state, input)
      break
    case INPUT_KIND.rekeyRequested:
      state.rekeyRequested = true
      break
    case INPUT_KIND.initKeyUpdated: {
      const [signer, initKey, oldInitKey, signature] = decodeInput(input, [
        { type: 'address' },
        { type: 'bytes32' },
        { type: 'bytes32' },
        { type: 'bytes' },
      ])
      // The Ledger refuses updates while a rekey is pending: its share is sealed to the key being replaced.
      if (state.pendingRekey)
        throw new InputRejectedError(`input ${input.seq} updates an init key while a rekey is pending`)
      const member = memberOf(state, signer)
      // The Ledger appends an update only for a member, replacing its current key, signed by its enclave. One that
      // fails any of that here never came from the Ledger: a host made it up to have shares sealed to a key it holds.
      const signedBy = recoverEnclaveSigner(initKeyDigest(state, signer, oldInitKey, initKey), signature)
      if (!member || oldInitKey !== member.initKey || !signedBy || !isAddressEqual(signedBy, signer))
        throw new InputRejectedError(
          `input ${input.seq} updates the init key of ${signer} without that member's signature`,
        )
      member.initKey = initKey
      // Our update landed: every older init key is erased, so a later leak cannot open shares sealed to it.
      if (state.identity && isAddressEqual(signer, state.identity.signer)) {
        state.identity.initKeys = state.identity.initKeys.filter((k) => k.publicKey === initKey)
        state.initKeyRotationDue = false
      }
      break
    }
    case INPUT_KIND.checkpoint:
      applyAcceptedCheckpoint(state, input)
      break
    case INPUT_KIND.divergence: {
      const [seq] = decodeInput(input, DIVERGENCE_INPUT_PARAMETERS)
      state.pausedAt = seq
      break
    }
    case INPUT_KIND.checkpointRequested:
      decodeInput(input, [{ type: 'address' }])
      break
    case INPUT_KIND.resumed:
      decodeInput(input, RESUMED_INPUT_PARAMETERS)
      state.pausedAt = undefined
      break
    default:
      throw new InputRejectedError(`input ${input.seq} has unknown kind ${input.kind}`)
  }
  state.seq = input.seq
  state.acc = acc
  state.root = nextRoot(state, acc, outcome)
}

/** The running root after an input (GroupState.root): keyed once the group has an epoch, lost without its secret. */
function nextRoot(state: GroupState, acc: Hex, outcome: Uint8Array): Hex | undefined {
  if (state.root === undefined) return undefined
  const line = concatBytes([ROOT_LABEL, hexToBytes(state.root), hexToBytes(acc), outcome])
  if (state.epoch === 0n) return bytesToHex(sha256(line))
  if (!state.epochSecret) return undefined
  return bytesToHex(hmac(sha256, deriveEpochKey(state.epochSecret, 'root'), line))
}

/**
 * An accepted checkpoint: every signature must be a member's over it, as the Ledger checked (one that is not came
 * from a host, not from the chain). If this enclave made its own at that position with another root, it diverged.
 */
function applyAcceptedCheckpoint(state: GroupState, input: LedgerInput): void {
  const [checkpoint, signers, signatures] = decodeInput(input, CHECKPOINT_INPUT_PARAMETERS)
  const digest = checkpointDigest(state, checkpoint)
  const signedByMembers =
    signers.length === signatures.length &&
    signers.every((signer, i) => {
      const recovered = recoverEnclaveSigner(digest, signatures[i]!)
      return (
        recovered && isAddressEqual(recovered, signer) && state.members.some((m) => isAddressEqual(m.signer, signer))
      )
    })
  if (!signedByMembers || checkpoint.seq >= input.seq)
    throw new InputRejectedError(`input ${input.seq} carries a checkpoint the Ledger would not have accepted`)
  const own = state.ownCheckpoints.find((c) => c.seq === checkpoint.seq)
  if (own && own.stateRoot.toLowerCase() !== checkpoint.stateRoot.toLowerCase()) state.divergedAt = checkpoint.seq
  else vouchByCheckpoint(state, checkpoint, signers)
  state.acceptedCheckpoint = { seq: checkpoint.seq, stateRoot: checkpoint.stateRoot, signers: signers.length }
}

/** The registration an input carries; a payload that is none cannot have come from the Ledger. */
function registrationOf(input: LedgerInput): Registration {
  try {
    return decodeRegistration(input.payload)
  } catch {
    throw new InputRejectedError(`input ${input.seq} of kind ${input.kind} is not a registration`)
  }
}

/** Whether this enclave admits `registration`: the registry's policy, with its own measurement as the allow-list. */
function admits(state: GroupState, registration: Registration): boolean {
  const { chainId, ledger, measurement } = state
  return checkRegistration(registration, {
    chainId,
    ledger,
    isMeasurementAllowed: (m) => m === measurement.toLowerCase(),
  }).ok
}
