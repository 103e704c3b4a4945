/** The CLI wallet's session store: one 0600 file per deployment and account, written atomically. */
import { existsSync } from 'node:fs'
import { mkdir, readFile, rm } from 'node:fs/promises'
import { join } from 'node:path'
import type { Address } from 'viem'
import { AnonifyError } from '../../host/errors/base'
import { fileStore } from '../../host/storage/fileStore'
import { parseSavedSession, type SessionStore } from '../../host/wallet/sessionStore'

export function sessionFilePath(dir: string, chainId: bigint, ledger: Address, account: Address): string {
  return join(dir, `${chainId}-${ledger.toLowerCase()}-${account.toLowerCase()}.json`)
}

/** The session kept at `path` (fileStore: temp file, fsync, rename, mode 0600). */
export function fileSessionStore(path: string): SessionStore {
  return {
    async load() {
      if (!existsSync(path)) return undefined
      const unreadable = (cause?: unknown) => new AnonifyError(`The session file ${path} is unreadable.`, { cause, metaMessages: ['Delete it and start a new session.'] })
      let value: unknown
      try {
        value = JSON.parse(await readFile(path, 'utf8'))
      } catch (cause) {
        throw unreadable(cause)
      }
      const session = parseSavedSession(value)
      if (!session) throw unreadable()
      return session
    },
    async save(session) {
      await mkdir(join(path, '..'), { recursive: true, mode: 0o700 })
      await fileStore(path).save(new TextEncoder().encode(JSON.stringify(session, null, 2)))
    },
    forget: () => rm(path, { force: true }),
  }
}
