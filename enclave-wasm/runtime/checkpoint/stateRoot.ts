/**
 * The state root a checkpoint carries: a Merkle root over every account's leaf record (assembly/leaves.ts), each
 * leaf keccak256(salt ‖ record) with salt = HMAC-SHA256(leafKey, account). Without the epoch's leaf key no leaf can
 * be guessed from a balance; an inclusion proof for one account discloses that account's salt alone. Pairs are
 * hashed sorted, as OpenZeppelin's MerkleProof verifies them, so a later contract can check a proof as it is.
 */
import { hmac } from '@noble/hashes/hmac.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { keccak_256 } from '@noble/hashes/sha3.js'
import { bytesToHex, type Hex } from 'viem'
import { readU64 } from '../../envelopes/bigEndian'

const ZERO_ROOT: Hex = `0x${'00'.repeat(32)}`

/** Splits the core's leaf export into its records; throws on a malformed export (a broken core). */
export function leafRecords(leaves: Uint8Array): Uint8Array[] {
  const count = readU64(leaves, 0)
  const records: Uint8Array[] = []
  let at = 8
  for (let i = 0n; i < count; i++) {
    const length = new DataView(leaves.buffer, leaves.byteOffset + at, 4).getUint32(0)
    records.push(leaves.subarray(at + 4, at + 4 + length))
    at += 4 + length
  }
  if (at !== leaves.byteLength) throw new Error('core.wasm exported malformed state leaves')
  return records
}

/** The leaf of one record (account (20) ‖ its state): keccak256(salt ‖ record). */
export function stateLeaf(leafKey: Uint8Array, record: Uint8Array): Uint8Array {
  const salt = hmac(sha256, leafKey, record.subarray(0, 20))
  const leaf = new Uint8Array(32 + record.byteLength)
  leaf.set(salt)
  leaf.set(record, 32)
  return keccak_256(leaf)
}

/** The Merkle root over the records' leaves, in the core's (address) order; zero for a state with no account. */
export function stateRoot(leafKey: Uint8Array, leaves: Uint8Array): Hex {
  let level = leafRecords(leaves).map((record) => stateLeaf(leafKey, record))
  if (level.length === 0) return ZERO_ROOT
  while (level.length > 1) {
    const next: Uint8Array[] = []
    for (let i = 0; i < level.length; i += 2)
      next.push(i + 1 < level.length ? pair(level[i]!, level[i + 1]!) : level[i]!)
    level = next
  }
  return bytesToHex(level[0]!)
}

function pair(a: Uint8Array, b: Uint8Array): Uint8Array {
  const joined = new Uint8Array(64)
  const aFirst = compare(a, b) <= 0
  joined.set(aFirst ? a : b)
  joined.set(aFirst ? b : a, 32)
  return keccak_256(joined)
}

function compare(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!
  return 0
}
