/**
 * Applies one Ledger input to the group state, after checking it continues the chain's accumulator. Every enclave
 * runs this on the same inputs in the same order and reaches the same member list and epoch.
 */
import { sha256 } from '@noble/hashes/sha2.js'
import {
  bytesToHex,
  concatBytes,
  decodeAbiParameters,
  encodePacked,
  getAddress,
  hexToBytes,
  isAddressEqual,
  keccak256,
  type Hex,
} from 'viem'
import { INPUT_KIND, type LedgerInput } from '../../protocol'
import { nextAccumulator } from '../../envelopes/inputAccumulator'
import type { GroupState } from './groupState'
import { deriveEpochKeys } from './keySchedule'
import { openWith } from './hpke'
import { shareInfo } from './shareInfo'

/** The input does not continue the stream: a gap, a replay, or a host that altered it. Nothing was applied. */
export class InputRejectedError extends Error {
  override name = 'InputRejectedError' as const
}

/** keccak256 of the packed member list, as EnclaveRegistry.memberSetHash(). */
export function memberSetHash(state: Pick<GroupState, 'members'>): Hex {
  return keccak256(encodePacked(['address[]'], [state.members.map((m) => m.signer)]))
}

/** Applies a command batch (sealed or session) to the application state; returns the digest of its outcomes for the root. */
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
      outcome = await onCommandBatch(input)
      break
    case INPUT_KIND.memberAdded: {
      const [signer, operator, initKey, measurement] = decodeAbiParameters(
        [{ type: 'address' }, { type: 'address' }, { type: 'bytes32' }, { type: 'bytes32' }],
        payload,
      )
      state.members.push({ signer: getAddress(signer), operator: getAddress(operator), initKey, measurement })
      break
    }
    case INPUT_KIND.memberRemoved: {
      const [signer] = decodeAbiParameters([{ type: 'address' }, { type: 'uint8' }], payload)
      state.members = state.members.filter((m) => !isAddressEqual(m.signer, signer))
      // A removed enclave forgets the group's secret at once; it could read up to here and never beyond.
      if (state.identity && isAddressEqual(signer, state.identity.signer)) {
        state.epochSecret = undefined
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
      const [signer, initKey] = decodeAbiParameters([{ type: 'address' }, { type: 'bytes32' }], payload)
      const member = state.members.find((m) => isAddressEqual(m.signer, signer))
      if (member) member.initKey = initKey
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

async function applyRekey(state: GroupState, payload: Uint8Array): Promise<void> {
  const [epoch, , setHash, cmdPubKey, commit, shares] = decodeAbiParameters(
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
