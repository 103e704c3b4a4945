/**
 * A node's checkpoint exchange kept in its data dir, so a restart still serves the checkpoint and the snapshot a
 * joiner restores from: `checkpoints.json` (the gathered checkpoints and signatures) and one file per snapshot, named
 * by its hash. Written atomically; snapshots no longer listed are removed.
 */
import { existsSync } from 'node:fs'
import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import type { Hex } from 'viem'
import { fileStore } from '../storage/fileStore'
import { createMemoryExchange, type CheckpointExchange, type GatheredCheckpoint } from './checkpointExchange'
import { checkpointToJson, gatheredFromJson } from './checkpointJson'

export async function openFileExchange(dir: string): Promise<CheckpointExchange> {
  const index = fileStore(join(dir, 'checkpoints.json'))
  const snapshotFile = (hash: string) => fileStore(join(dir, 'snapshots', `${hash}.bin`))
  const saved = await index.load()
  const gathered = saved ? parseIndex(saved) : []
  const snapshots = new Map<Hex, Uint8Array>()
  for (const { checkpoint } of gathered) {
    const hash = checkpoint.snapshotHash.toLowerCase() as Hex
    const bytes = await snapshotFile(hash).load()
    if (bytes) snapshots.set(hash, bytes)
  }
  return createMemoryExchange({ gathered, snapshots }, async (contents) => {
    for (const [hash, bytes] of contents.snapshots)
      if (!existsSync(join(dir, 'snapshots', `${hash}.bin`))) await snapshotFile(hash).save(bytes)
    await index.save(new TextEncoder().encode(JSON.stringify(contents.gathered.map(toJson))))
    const folder = join(dir, 'snapshots')
    for (const name of existsSync(folder) ? await readdir(folder) : [])
      if (name.endsWith('.bin') && !contents.snapshots.has(name.slice(0, -4) as Hex))
        await fileStore(join(folder, name)).remove()
  })
}

const toJson = ({ checkpoint, signatures }: GatheredCheckpoint) => ({
  checkpoint: checkpointToJson(checkpoint),
  signatures,
})

/** The saved index; an unreadable one (a disk fault) starts the exchange empty: members sign the next position anew. */
function parseIndex(bytes: Uint8Array): GatheredCheckpoint[] {
  try {
    const list = JSON.parse(new TextDecoder().decode(bytes)) as unknown
    return Array.isArray(list) ? list.map(gatheredFromJson).filter((g) => g !== undefined) : []
  } catch {
    return []
  }
}
