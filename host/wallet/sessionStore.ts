/**
 * Where a wallet keeps its live session: the session key and the next counter. The counter is saved before each
 * record is posted, so no two records of a session share a counter (a reused ChaCha20-Poly1305 nonce would expose
 * both plaintexts). The CLI keeps it in a 0600 file, the browser in IndexedDB; one writer per session at a time.
 */
import type { Address, Hex } from 'viem'
import { AnonifyError } from '../errors/base'
import type { BlobStore } from '../storage/sealedStateStore'

export type SavedSession = {
  chainId: string
  ledger: Address
  account: Address
  epoch: string
  sessionKey: Hex
  next: string
}

export type SessionStore = {
  load: () => Promise<SavedSession | undefined>
  save: (session: SavedSession) => Promise<void>
  forget: () => Promise<void>
}

/**
 * The session kept as JSON in `blobs` (a 0600 file for the CLI, IndexedDB in the browser); `where` names it in errors.
 * @example
 * const sessions = blobSessionStore(fileStore(path), path)
 */
export function blobSessionStore(blobs: BlobStore, where: string): SessionStore {
  return {
    async load() {
      const blob = await blobs.load()
      if (!blob) return undefined
      let value: unknown
      try {
        value = JSON.parse(new TextDecoder().decode(blob))
      } catch {}
      const session = parseSavedSession(value)
      if (!session)
        throw new AnonifyError(`The saved session in ${where} is unreadable.`, {
          metaMessages: ['Delete it and start a new session.'],
        })
      return session
    },
    save: (session) => blobs.save(new TextEncoder().encode(JSON.stringify(session, null, 2))),
    forget: () => blobs.remove(),
  }
}

/** Checks a stored session before the wallet seals with it; `undefined` if it is not one. */
function parseSavedSession(value: unknown): SavedSession | undefined {
  const s = value as Partial<SavedSession> | null
  const hex = (v: unknown, bytes: number) =>
    typeof v === 'string' && new RegExp(`^0x[0-9a-fA-F]{${bytes * 2}}$`).test(v)
  const digits = (v: unknown) => typeof v === 'string' && /^\d+$/.test(v)
  if (
    !s ||
    !digits(s.chainId) ||
    !hex(s.ledger, 20) ||
    !hex(s.account, 20) ||
    !digits(s.epoch) ||
    !hex(s.sessionKey, 32) ||
    !digits(s.next)
  )
    return undefined
  return s as SavedSession
}
