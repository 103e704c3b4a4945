/** The wallet's session store over a blob store: what the CLI (a file) and the browser (IndexedDB) both use. */
import { describe, expect, it } from 'vitest'
import type { BlobStore } from '../storage/sealedStateStore'
import { blobSessionStore, type SavedSession } from './sessionStore'

function memoryBlobs(): BlobStore & { blob: Uint8Array | undefined } {
  const store = {
    blob: undefined as Uint8Array | undefined,
    load: async () => store.blob,
    save: async (blob: Uint8Array) => {
      store.blob = blob
    },
    remove: async () => {
      store.blob = undefined
    },
  }
  return store
}

const session: SavedSession = {
  chainId: '31337',
  ledger: '0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512',
  account: '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266',
  epoch: '3',
  sessionKey: `0x${'ab'.repeat(32)}`,
  next: '7',
}

describe('blobSessionStore', () => {
  it('keeps a session, returns it as saved, and forgets it', async () => {
    const blobs = memoryBlobs()
    const store = blobSessionStore(blobs, 'memory')
    expect(await store.load()).toBeUndefined()
    await store.save(session)
    expect(await store.load()).toEqual(session)
    await store.forget()
    expect(await store.load()).toBeUndefined()
  })

  it.each([
    ['not JSON', new TextEncoder().encode('{oops')],
    ['a short session key', new TextEncoder().encode(JSON.stringify({ ...session, sessionKey: '0xab' }))],
    ['a counter that is not a number', new TextEncoder().encode(JSON.stringify({ ...session, next: '-1' }))],
  ])('error: refuses a stored session with %s, naming where it is', async (_case, blob) => {
    const blobs = memoryBlobs()
    blobs.blob = blob
    await expect(blobSessionStore(blobs, 'the test store').load()).rejects.toThrow(
      'The saved session in the test store is unreadable.',
    )
  })
})
