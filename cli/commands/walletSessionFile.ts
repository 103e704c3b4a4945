/**
 * Where the CLI wallet keeps a session between runs: the session key and the next counter, in a 0600 file. The
 * counter is saved before each record is posted, so no two records of a session ever share a counter (a reused
 * ChaCha20-Poly1305 nonce would expose both plaintexts). One wallet process per session file at a time.
 */
import { existsSync } from 'node:fs'
import { mkdir, readFile, rm } from 'node:fs/promises'
import { join } from 'node:path'
import type { Address, Hex } from 'viem'
import { fileStore } from '../../host/storage/fileStore'
import { AnonifyError } from '../../host/errors/base'

export type SavedSession = { chainId: string; ledger: Address; account: Address; epoch: string; sessionKey: Hex; next: string }

export function sessionFilePath(dir: string, chainId: bigint, ledger: Address, account: Address): string {
  return join(dir, `${chainId}-${ledger.toLowerCase()}-${account.toLowerCase()}.json`)
}

export async function loadSession(path: string): Promise<SavedSession | undefined> {
  if (!existsSync(path)) return undefined
  try {
    return JSON.parse(await readFile(path, 'utf8')) as SavedSession
  } catch (cause) {
    throw new AnonifyError(`The session file ${path} is unreadable.`, { cause, metaMessages: ['Delete it and start a new session.'] })
  }
}

/** Writes atomically (fileStore: temp file, fsync, rename, mode 0600). */
export async function saveSession(path: string, session: SavedSession): Promise<void> {
  await mkdir(join(path, '..'), { recursive: true, mode: 0o700 })
  await fileStore(path).save(new TextEncoder().encode(JSON.stringify(session, null, 2)))
}

export async function forgetSession(path: string): Promise<void> {
  await rm(path, { force: true })
}
