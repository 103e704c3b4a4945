/**
 * What an enclave produces for the chain: its attestation report data, rekey proposals and init-key updates.
 * Each is signed by the enclave's key; the host only carries it to the Ledger.
 */
import { sha256 } from '@noble/hashes/sha2.js'
import { randomBytes } from '@noble/hashes/utils.js'
import {
  bytesToHex,
  concatBytes,
  encodeAbiParameters,
  encodePacked,
  hexToBytes,
  isAddressEqual,
  keccak256,
  type Address,
  type Hex,
} from 'viem'
import { privateKeyToAddress, serializeSignature, sign } from 'viem/accounts'
import type { InitKeyUpdate, RekeyProposal } from '../../protocol'
import { INIT_KEY_TAG, REKEY_TAG } from './constants'
import type { GroupState, Identity } from './groupState'
import { sealTo } from '../../envelopes/hpkeSuite'
import { deriveX25519 } from './hpke'
import { deriveEpochKeys, nextEpochSecret } from './keySchedule'
import { memberSetHash } from './applyInput'
import { shareInfo } from './shareInfo'

/** The enclave cannot do what was asked in its current state (not a member, no epoch secret, …). */
export class GroupActionError extends Error {
  override name = 'GroupActionError' as const
}

/** Creates the enclave's signer key and first init key, once. */
export async function ensureIdentity(state: GroupState): Promise<Identity> {
  if (!state.identity) {
    const signerKey = bytesToHex(randomBytes(32))
    state.identity = {
      signerKey,
      signer: privateKeyToAddress(signerKey),
      initKeys: [await deriveX25519(randomBytes(32))],
    }
  }
  return state.identity
}

/** report_data for registration: SHA-256("anonify/v1 ra" ‖ chainId ‖ ledger ‖ operator ‖ signer ‖ initKey ‖ anchor) ‖ 0³². */
export function registrationReportData(
  state: GroupState,
  identity: Identity,
  operator: Address,
  anchorHash: Hex,
): Uint8Array {
  const binding = sha256(
    hexToBytes(
      encodePacked(
        ['string', 'uint256', 'address', 'address', 'address', 'bytes32', 'bytes32'],
        [
          'anonify/v1 ra',
          state.chainId,
          state.ledger,
          operator,
          identity.signer,
          identity.initKeys[0]!.publicKey,
          anchorHash,
        ],
      ),
    ),
  )
  return concatBytes([binding, new Uint8Array(32)])
}

/** Draws a fresh epoch secret and seals it to every member. The enclave adopts it only when the chain echoes it. */
export async function proposeRekey(state: GroupState): Promise<RekeyProposal> {
  const identity = state.identity
  if (!identity || !state.members.some((m) => isAddressEqual(m.signer, identity.signer)))
    throw new GroupActionError('only a member may propose a rekey')
  if (state.epoch > 0n && !state.epochSecret)
    throw new GroupActionError(`this enclave does not hold epoch ${state.epoch}`)
  const epoch = state.epoch + 1n
  const secret = nextEpochSecret(state.epochSecret, randomBytes(32))
  const { command, commit } = await deriveEpochKeys(secret, epoch)
  const shares = await Promise.all(
    state.members.map(async (member) =>
      bytesToHex(await sealTo(member.initKey, shareInfo(state, epoch, member.signer), hexToBytes(commit), secret)),
    ),
  )
  const setHash = memberSetHash(state)
  const digest = keccak256(
    encodeAbiParameters(
      [
        { type: 'bytes32' },
        { type: 'uint256' },
        { type: 'address' },
        { type: 'uint64' },
        { type: 'bytes32' },
        { type: 'bytes32' },
        { type: 'bytes32' },
        { type: 'bytes32' },
      ],
      [
        REKEY_TAG,
        state.chainId,
        state.ledger,
        epoch,
        setHash,
        command.publicKey,
        commit,
        keccak256(encodeAbiParameters([{ type: 'bytes[]' }], [shares])),
      ],
    ),
  )
  secret.fill(0)
  return {
    epoch,
    setHash,
    cmdPubKey: command.publicKey,
    commit,
    shares,
    proposer: identity.signer,
    signature: serializeSignature(await sign({ hash: digest, privateKey: identity.signerKey })),
  }
}

/** A signed replacement of this member's init key; asking again before it lands returns the same key. */
export async function rotateInitKey(state: GroupState): Promise<InitKeyUpdate> {
  const identity = state.identity
  const member = identity && state.members.find((m) => isAddressEqual(m.signer, identity.signer))
  if (!identity || !member) throw new GroupActionError('only a member has an init key to rotate')
  let pending = identity.initKeys.find((k) => k.publicKey !== member.initKey)
  if (!pending) {
    pending = await deriveX25519(randomBytes(32))
    identity.initKeys.push(pending)
  }
  const digest = keccak256(
    encodeAbiParameters(
      [
        { type: 'bytes32' },
        { type: 'uint256' },
        { type: 'address' },
        { type: 'address' },
        { type: 'bytes32' },
        { type: 'bytes32' },
      ],
      [INIT_KEY_TAG, state.chainId, state.ledger, identity.signer, member.initKey, pending.publicKey],
    ),
  )
  return {
    signer: identity.signer,
    initKey: pending.publicKey,
    signature: serializeSignature(await sign({ hash: digest, privateKey: identity.signerKey })),
  }
}
