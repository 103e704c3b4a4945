/**
 * What an enclave produces for the chain: its attestation report data, rekey proposals and init-key updates.
 * Each is signed by the enclave's key; the host only carries it to the Ledger.
 */
import { randomBytes } from '@noble/hashes/utils.js'
import { bytesToHex, concatBytes, hexToBytes, isAddressEqual, type Address, type Hex } from 'viem'
import { privateKeyToAddress, serializeSignature, sign } from 'viem/accounts'
import type { InitKeyUpdate, RekeyAnswer, RekeyProposal } from '../../protocol'
import { registrationBinding } from '../../envelopes/checkRegistration'
import { rekeyDigest } from '../../envelopes/rekeyDigest'
import { SHARE_BYTES } from './constants'
import { memberOf, ownMember, type GroupState, type Identity } from './groupState'
import { sealTo } from '../../envelopes/hpkeSuite'
import { initKeyDigest } from './initKeyDigest'
import { deriveX25519 } from './hpke'
import { deriveEpochKeys, nextEpochSecret } from './keySchedule'
import { memberSetHash } from './memberSetHash'
import { rekeyAnswerDigest } from './rekeyAnswerDigest'
import { shareInfo } from './shareInfo'
import { awaitingCheckpoint } from './vouching'

/** The enclave cannot do what was asked in its current state (not a member, no epoch secret, …). */
export class GroupActionError extends Error {
  override name = 'GroupActionError' as const
}

/**
 * Creates the enclave's signer key and first init key, once per membership: a removed enclave dropped its identity
 * (applyInput), so the next registration is under a new signer.
 */
export async function ensureIdentity(state: GroupState): Promise<Identity> {
  if (!state.identity) {
    const signerKey = bytesToHex(randomBytes(32))
    state.identity = {
      signerKey,
      signer: privateKeyToAddress(signerKey),
      initKeys: [await deriveX25519(randomBytes(32))],
    }
    state.removed = false
  }
  return state.identity
}

/**
 * The init key a registration binds: the one the chain lists for this enclave once it is a member (a re-attestation
 * must bind the current key, EnclaveRegistry.reattest), else the first one it generated.
 */
export function attestedInitKey(state: GroupState, identity: Identity): Hex {
  return memberOf(state, identity.signer)?.initKey ?? identity.initKeys[0]!.publicKey
}

/**
 * report_data for (re-)registration:
 * SHA-256("anonify/v1 ra" ‖ chainId ‖ ledger ‖ operator ‖ signer ‖ initKey ‖ anchor) ‖ 0³².
 */
export function registrationReportData(
  state: GroupState,
  identity: Identity,
  operator: Address,
  anchorHash: Hex,
): Uint8Array {
  const { chainId, ledger } = state
  const binding = registrationBinding({
    chainId,
    ledger,
    operator,
    signer: identity.signer,
    initKey: attestedInitKey(state, identity),
    anchorHash,
  })
  return concatBytes([binding, new Uint8Array(32)])
}

/** Draws a fresh epoch secret and seals it to every member. The enclave adopts it only when the chain echoes it. */
export async function proposeRekey(state: GroupState): Promise<RekeyProposal> {
  const identity = state.identity
  if (!identity || !state.members.some((m) => isAddressEqual(m.signer, identity.signer)))
    throw new GroupActionError('only a member may propose a rekey')
  if (state.epoch > 0n && !state.epochSecret)
    throw new GroupActionError(`this enclave does not hold epoch ${state.epoch}`)
  if (state.pendingRekey) throw new GroupActionError(`the rekey to epoch ${state.pendingRekey.epoch} is pending`)
  const waiting = awaitingCheckpoint(state)
  if (waiting)
    throw new GroupActionError(
      `${waiting.signer} (added at input ${waiting.addedAt}) gets no share until a checkpoint another operator's member signed covers it`,
    )
  const epoch = state.epoch + 1n
  const secret = nextEpochSecret(state.epochSecret, randomBytes(32))
  const { command, commit } = await deriveEpochKeys(secret, epoch)
  const shares = await Promise.all(
    state.members.map(async (member) =>
      // A member whose attestation this enclave refused keeps its slot (the chain wants one share per member) but
      // gets bytes nobody can open: the secret never reaches an enclave this one could not verify.
      member.admitted
        ? bytesToHex(await sealTo(member.initKey, shareInfo(state, epoch, member.signer), hexToBytes(commit), secret))
        : bytesToHex(randomBytes(SHARE_BYTES)),
    ),
  )
  const setHash = memberSetHash(state)
  const { chainId, ledger, seq: atSeq } = state
  const digest = rekeyDigest({ chainId, ledger, epoch, atSeq, setHash, cmdPubKey: command.publicKey, commit, shares })
  secret.fill(0)
  return {
    epoch,
    atSeq,
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
  const member = ownMember(state)
  if (!identity || !member) throw new GroupActionError('only a member has an init key to rotate')
  let pending = identity.initKeys.find((k) => k.publicKey !== member.initKey)
  if (!pending) {
    pending = await deriveX25519(randomBytes(32))
    identity.initKeys.push(pending)
  }
  const digest = initKeyDigest(state, identity.signer, member.initKey, pending.publicKey)
  return {
    signer: identity.signer,
    initKey: pending.publicKey,
    signature: serializeSignature(await sign({ hash: digest, privateKey: identity.signerKey })),
  }
}

/**
 * This member's signed answer to the pending rekey: an ack if its share opened and matched the commitment when the
 * rekey was applied, else a complaint. The proposer's own proposal counts as its ack.
 */
export async function answerRekey(state: GroupState): Promise<RekeyAnswer> {
  const identity = state.identity
  const pending = state.pendingRekey
  if (!identity || !state.members.some((m) => isAddressEqual(m.signer, identity.signer)))
    throw new GroupActionError('only a member may answer a rekey')
  if (!pending) throw new GroupActionError('no rekey is pending')
  if ([...pending.acks, ...pending.complaints].some((a) => isAddressEqual(a, identity.signer)))
    throw new GroupActionError(`this member already answered the rekey to epoch ${pending.epoch}`)
  const answer = {
    epoch: pending.epoch,
    rekeySeq: pending.seq,
    signer: identity.signer,
    ack: pending.secret !== undefined,
  }
  const signature = serializeSignature(
    await sign({ hash: rekeyAnswerDigest(state, answer), privateKey: identity.signerKey }),
  )
  return { ...answer, signature }
}
