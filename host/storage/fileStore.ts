/** A sealed-state store in a file, written atomically (temp file, fsync, rename) so a crash never leaves half a blob. */
import { existsSync } from 'node:fs'
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises'
import { dirname } from 'node:path'
import type { BlobStore } from './sealedStateStore'

/** Stores the blob at `path` (mode 0600, in a folder created 0700: what it holds is a secret or sealed). */
export function fileStore(path: string): BlobStore {
  return {
    load: async () => (existsSync(path) ? new Uint8Array(await readFile(path)) : undefined),
    save: async (blob) => {
      await mkdir(dirname(path), { recursive: true, mode: 0o700 })
      const temp = `${path}.tmp`
      const handle = await open(temp, 'w', 0o600)
      try {
        await handle.writeFile(blob)
        await handle.sync()
      } finally {
        await handle.close()
      }
      await rename(temp, path)
    },
    remove: () => rm(path, { force: true }),
  }
}
