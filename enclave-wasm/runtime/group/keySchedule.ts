/**
 * The epoch key schedule (reference §2.2): each epoch secret mixes fresh randomness into the previous one, so a
 * member removed before the rekey knows the old secret but not the new.
 */
import { expand, extract } from '@noble/hashes/hkdf.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { concatBytes } from '@noble/hashes/utils.js'
import { bytesToHex, hexToBytes, type Hex } from 'viem'
import { deriveX25519, type X25519KeyPair } from './hpke'

const label = (text: string) => new TextEncoder().encode(`anonify/v1 ${text}`)

/** epoch_secret_{e+1} = HKDF-Extract(salt = epoch_secret_e, ikm = fresh); the genesis secret is `fresh` itself. */
export function nextEpochSecret(previous: Uint8Array | undefined, fresh: Uint8Array): Uint8Array {
  return previous ? extract(sha256, fresh, previous) : fresh.slice()
}

export type EpochKeys = {
  /** The epoch's command key pair (HPKE); users seal commands to `publicKey`. */
  command: X25519KeyPair
  /** SHA-256("anonify/v1 epoch-commit" ‖ u64 epoch ‖ cmdPubKey ‖ SHA-256(secret)): published on chain. */
  commit: Hex
}

/**
 * The epoch's keys for what the host and the chain see: `root` keys the running transition root, `leaf` salts the
 * state root's per-account leaves, `snapshot` encrypts snapshots. Equal on every holder of the epoch, unknown to
 * everyone else, so no public root can be brute-forced from guessed commands or balances.
 */
export function deriveEpochKey(secret: Uint8Array, purpose: 'root' | 'leaf' | 'snapshot'): Uint8Array {
  return expand(sha256, secret, label(`${purpose}-key`), 32)
}

/** Derives everything an epoch secret stands for. */
export async function deriveEpochKeys(secret: Uint8Array, epoch: bigint): Promise<EpochKeys> {
  const command = await deriveX25519(expand(sha256, secret, label('cmd-kem'), 32))
  const epochBytes = new Uint8Array(8)
  new DataView(epochBytes.buffer).setBigUint64(0, epoch)
  const commit = sha256(concatBytes(label('epoch-commit'), epochBytes, hexToBytes(command.publicKey), sha256(secret)))
  return { command, commit: bytesToHex(commit) }
}
