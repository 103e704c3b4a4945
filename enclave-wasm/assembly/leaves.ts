// The state root's leaves: one record per account any app or the nonces know, in address order,
//   count u64 ‖ count × (length u32 ‖ account (20) ‖ nonce u64 ‖ each app in id order: app u8 ‖ its leaf part).
// The runtime salts and hashes each record into a Merkle tree (runtime/checkpoint/stateRoot.ts) without reading it.
import { APPS } from './apps/registry'
import { Writer } from './codec'
import { collectNonceAccounts, nonceOf } from './nonces'

let exported: StaticArray<u8> = new StaticArray<u8>(0)

/** Encodes every account's leaf record; read `leavesLength()` bytes at `leavesPtr()` afterwards. */
export function leavesExport(): i32 {
  const accounts = new Set<string>()
  collectNonceAccounts(accounts)
  for (let i = 0; i < APPS.length; i++) APPS[i].collectAccounts(accounts)
  const keys = accounts.values().sort()
  const writer = new Writer()
  writer.u64(<u64>keys.length)
  for (let k = 0; k < keys.length; k++) {
    const record = new Writer()
    record.address(keys[k])
    record.u64(nonceOf(keys[k]))
    for (let i = 0; i < APPS.length; i++) {
      record.u8(APPS[i].id)
      APPS[i].writeLeaf(keys[k], record)
    }
    writer.u32(<u32>record.bytes.length)
    writer.append(record)
  }
  const bytes = writer.bytes
  exported = new StaticArray<u8>(bytes.length)
  for (let i = 0; i < bytes.length; i++) exported[i] = bytes[i]
  return bytes.length
}

export function leavesPtr(): usize {
  return changetype<usize>(exported)
}

export function leavesLength(): i32 {
  return exported.length
}
