/**
 * Applies one Ledger input to the group state, after checking it continues the chain's accumulator. Every enclave
 * runs this on the same inputs in the same order and reaches the same member list and epoch.
 *
 * The accumulator only proves the input continues the stream the host showed; a host can fabricate a whole stream
 * with a consistent accumulator. So membership inputs are checked for what only the member's enclave (or its
 * platform) could have made: registrations carry attestation evidence this enclave verifies itself, init-key updates
 * carry the member enclave's signature.
 */
import { sha256 } from '@noble/hashes/sha2.js'
import {
  bytesToHex,
  concatBytes,
  decodeAbiParameters,
  encodePacked,
  hexToBytes,
  isAddressEqual,
  keccak256,
  type AbiParameter,
  type DecodeAbiParametersReturnType,
  type Hex,
} from 'viem'
import { INPUT_KIND, type LedgerInput } from '../../protocol'
import { checkRegistration, decodeRegistration, type Registration } from '../../envelopes/checkRegistration'
import { nextAccumulator } from '../../envelopes/inputAccumulator'
import { recoverEnclaveSigner } from '../../envelopes/recoverEnclaveSigner'
import type { GroupState } from './groupState'
import { initKeyDigest } from './initKeyDigest'
import { deriveEpochKeys } from './keySchedule'
import { openWith } from './hpke'
import { shareInfo } from './shareInfo'

/** The input does not continue the stream: a gap, a replay, or a host that altered it. Nothing was applied. */
export class InputRejectedError extends Error {
  override name = 'InputRejectedError' as const
}

/** keccak256 of (signer ‖ init key) of every member, in order, as EnclaveRegistry.memberSetHash(). */
export function memberSetHash(state: Pick<GroupState, 'members'>): Hex {
  const types = state.members.flatMap(() => ['address', 'bytes32'] as const)
  return keccak256(
    encodePacked(
      types,
      state.members.flatMap((m) => [m.signer, m.initKey]),
    ),
  )
}

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
      outcome = await onCommandBatch(input)
      break
    case INPUT_KIND.memberAdded: {
      const registration = registrationOf(input)
      const { signer, operator, initKey, measurement } = registration
      if (state.members.some((m) => isAddressEqual(m.signer, signer)))
        throw new InputRejectedError(`input ${input.seq} adds ${signer} twice`)
      // Deterministic on every replica of this build: the evidence and the policy are all in the input and the code.
      // A refused member still takes its place, or positions and set hashes would part from the chain's.
      state.members.push({ signer, operator, initKey, measurement, admitted: admits(state, registration) })
      break
    }
    case INPUT_KIND.memberReattested: {
      const registration = registrationOf(input)
      const member = state.members.find((m) => isAddressEqual(m.signer, registration.signer))
      if (!member)
        throw new InputRejectedError(`input ${input.seq} re-attests ${registration.signer}, who is not a member`)
      // The latest evidence decides: one that fails here (or binds another init key than the one this enclave
      // knows) stops shares to the member; one that passes admits a member refused before.
      member.admitted = registration.initKey === member.initKey && admits(state, registration)
      break
    }
    case INPUT_KIND.memberRemoved: {
      const [signer] = decodeAs(input, [{ type: 'address' }, { type: 'uint8' }])
      state.members = state.members.filter((m) => !isAddressEqual(m.signer, signer))
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
      await applyRekey(state, payload)
      break
    case INPUT_KIND.rekeyRequested:
      state.rekeyRequested = true
      break
    case INPUT_KIND.initKeyUpdated: {
      const [signer, initKey, oldInitKey, signature] = decodeAs(input, [
        { type: 'address' },
        { type: 'bytes32' },
        { type: 'bytes32' },
        { type: 'bytes' },
      ])
      const member = state.members.find((m) => isAddressEqual(m.signer, signer))
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
    default:
      throw new InputRejectedError(`input ${input.seq} has unknown kind ${input.kind}`)
  }
  state.seq = input.seq
  state.acc = acc
  state.root = bytesToHex(sha256(concatBytes([ROOT_LABEL, hexToBytes(state.root), hexToBytes(acc), outcome])))
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

/** Decodes `input`'s payload as `types`; a payload that does not decode cannot have come from the Ledger. */
function decodeAs<const types extends readonly AbiParameter[]>(
  input: LedgerInput,
  types: types,
): DecodeAbiParametersReturnType<types> {
  try {
    return decodeAbiParameters(types, input.payload)
  } catch {
    throw new InputRejectedError(`input ${input.seq} of kind ${input.kind} is malformed`)
  }
}

async function applyRekey(state: GroupState, payload: Uint8Array): Promise<void> {
  const [epoch, proposer, setHash, cmdPubKey, commit, shares] = decodeAbiParameters(
    [
      { type: 'uint64' },
      { type: 'address' },
      { type: 'bytes32' },
      { type: 'bytes32' },
      { type: 'bytes32' },
      { type: 'bytes[]' },
    ],
    payload,
  )
  // The chain enforced both; disagreeing here means this replica diverged, which must stop it.
  if (epoch !== state.epoch + 1n) throw new InputRejectedError(`rekey to epoch ${epoch} after epoch ${state.epoch}`)
  if (setHash !== memberSetHash(state)) throw new InputRejectedError(`rekey for another member set at epoch ${epoch}`)

  state.epoch = epoch
  state.cmdPubKey = cmdPubKey
  state.epochMembers = state.members.map((m) => m.signer)
  state.rekeyRequested = false
  state.epochSecret = undefined
  // Sessions end with their epoch: a member removed by this rekey keeps copies of their keys, so none may open again.
  state.sessions = {}
  state.lastRekeyRefusal = undefined
  const identity = state.identity
  const index = identity ? state.members.findIndex((m) => isAddressEqual(m.signer, identity.signer)) : -1
  if (!identity || index === -1) return
  const share = hexToBytes(shares[index]!)
  const initKey = identity.initKeys.find((k) => k.publicKey === state.members[index]!.initKey)
  try {
    // A proposer whose attestation this enclave refused may be no enclave at all: its secret may be known outside.
    if (!state.members.find((m) => isAddressEqual(m.signer, proposer))?.admitted)
      throw new Error('the proposer is a member whose attestation this enclave refused')
    if (!initKey) throw new Error('the share is sealed to an init key this enclave no longer holds')
    const secret = await openWith(
      initKey.privateKey,
      shareInfo(state, epoch, identity.signer),
      hexToBytes(commit),
      share,
    )
    const derived = await deriveEpochKeys(secret, epoch)
    // Every member checks the same public commitment, so a proposer cannot give members different secrets.
    if (derived.command.publicKey !== cmdPubKey || derived.commit !== commit)
      throw new Error('the share does not match the commitment')
    state.epochSecret = secret
    state.initKeyRotationDue = true
  } catch (error) {
    state.lastRekeyRefusal = `epoch ${epoch}: ${(error as Error).message}`
  }
}
