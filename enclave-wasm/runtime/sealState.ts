/**
 * Seals the group state (identity, current epoch secret, replay position) to this machine and this measurement,
 * so a lone node survives a restart. AES-256-GCM under the platform's seal key; the blob is opaque to the host.
 */
import { randomBytes } from '@noble/hashes/utils.js'
import { concatBytes, encodePacked, hexToBytes, type Address } from 'viem'
import type { PlatformClient } from '../platform/platformChannel'
import type { EffectsStore } from './effects/effectsStore'
import type { GroupState } from './group/groupState'
import { decodeState, encodeState } from './stateCodec'

const KEY_ID = new TextEncoder().encode('anonify/v1 group-state')
/**
 * 7: members' addedAt and vouched, vouchedOperators, ownCheckpoints (for lastCheckpoint). 6: keyed roots (GroupState.root may be undefined), previousEpochMembers, lastCheckpoint. 5: effects sealed beside
 * the group state, and GroupState.pendingRekey (4: the binary stateCodec.ts; 3: JSON).
 */
const FORMAT_VERSION = 7

/** The blob cannot be opened here: another machine, another measurement, another deployment, or tampered. */
export class UnsealError extends Error {
  override name = 'UnsealError' as const
}

async function aesKey(platform: PlatformClient): Promise<CryptoKey> {
  const raw = await platform.sealKey('measurement', KEY_ID)
  return crypto.subtle.importKey('raw', raw as Uint8Array<ArrayBuffer>, 'AES-GCM', false, ['encrypt', 'decrypt'])
}

const aadOf = (chainId: bigint, ledger: Address) =>
  hexToBytes(
    encodePacked(['string', 'uint256', 'address'], ['anonify/v1 sealed-state', chainId, ledger]),
  ) as Uint8Array<ArrayBuffer>

/** Everything a restart needs: the group state, the effects store and the application state (the core's snapshot). */
export type SealedContents = { group: GroupState; effects: EffectsStore; snapshot: Uint8Array }

/** Encrypts the enclave's state to blob = version ‖ nonce(12) ‖ ciphertext+tag. */
export async function sealState(
  platform: PlatformClient,
  state: GroupState,
  effects: EffectsStore,
  snapshot: Uint8Array,
): Promise<Uint8Array> {
  const contents: SealedContents = { group: state, effects, snapshot }
  const plaintext = encodeState(contents)
  const nonce = randomBytes(12) as Uint8Array<ArrayBuffer>
  const ciphertext = await crypto.subtle.encrypt(
    { name: 'AES-GCM', iv: nonce, additionalData: aadOf(state.chainId, state.ledger) },
    await aesKey(platform),
    plaintext,
  )
  plaintext.fill(0)
  return concatBytes([new Uint8Array([FORMAT_VERSION]), nonce, new Uint8Array(ciphertext)])
}

/** Decrypts a blob sealed for (chainId, ledger) on this machine by this measurement. */
export async function unsealState(
  platform: PlatformClient,
  blob: Uint8Array,
  chainId: bigint,
  ledger: Address,
): Promise<SealedContents> {
  if (blob[0] !== FORMAT_VERSION || blob.byteLength < 1 + 12 + 16) throw new UnsealError('not a sealed group state')
  let plaintext: ArrayBuffer
  try {
    plaintext = await crypto.subtle.decrypt(
      { name: 'AES-GCM', iv: blob.slice(1, 13), additionalData: aadOf(chainId, ledger) },
      await aesKey(platform),
      blob.slice(13),
    )
  } catch {
    // One message for every cause: the host learns only that this enclave cannot use the blob.
    throw new UnsealError('the sealed state cannot be opened by this enclave on this machine for this deployment')
  }
  return decodeState(new Uint8Array(plaintext)) as SealedContents
}
