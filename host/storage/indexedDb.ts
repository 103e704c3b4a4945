/**
 * The browser's persistence: one IndexedDB database of opaque blobs (sealed enclave state, the simulated machine,
 * the wallet's session),
 * keyed per deployment so two deployments never mix. Each write is one put in one transaction and resolves only
 * when the transaction completes, so a crash leaves the old blob or the new one, never half of one.
 */
import { AnonifyError } from '../errors/base'
import type { BlobStore } from './sealedStateStore'

const DATABASE = 'anonify'
const BLOBS = 'blobs'

export class BrowserStorageError extends AnonifyError {
  override name = 'BrowserStorageError'
  constructor({ action, cause }: { action: string; cause?: unknown }) {
    super(`This browser could not ${action}.`, {
      cause,
      metaMessages: ['Private windows and full disks refuse IndexedDB; the enclave then forgets its state on reload.'],
    })
  }
}

let opened: Promise<IDBDatabase> | undefined

function database(): Promise<IDBDatabase> {
  opened ??= new Promise<IDBDatabase>((resolve, reject) => {
    if (typeof indexedDB === 'undefined')
      return reject(new BrowserStorageError({ action: 'open IndexedDB (it is unavailable here)' }))
    const request = indexedDB.open(DATABASE, 1)
    request.onupgradeneeded = () => request.result.createObjectStore(BLOBS)
    request.onsuccess = () => resolve(request.result)
    request.onerror = () => reject(new BrowserStorageError({ action: 'open IndexedDB', cause: request.error }))
  }).catch((error: unknown) => {
    opened = undefined
    throw error
  })
  return opened
}

async function readBlob(key: string): Promise<Uint8Array | undefined> {
  const db = await database()
  return new Promise((resolve, reject) => {
    const request = db.transaction(BLOBS, 'readonly').objectStore(BLOBS).get(key)
    request.onsuccess = () => resolve(request.result instanceof Uint8Array ? request.result : undefined)
    request.onerror = () => reject(new BrowserStorageError({ action: `read ${key}`, cause: request.error }))
  })
}

/** Puts (or with no blob deletes) `key` in one durable transaction, resolved only once it completed. */
async function writeBlob(key: string, blob: Uint8Array | undefined): Promise<void> {
  const db = await database()
  return new Promise((resolve, reject) => {
    const transaction = db.transaction(BLOBS, 'readwrite', { durability: 'strict' })
    const store = transaction.objectStore(BLOBS)
    if (blob) store.put(blob, key)
    else store.delete(key)
    transaction.oncomplete = () => resolve()
    transaction.onerror = transaction.onabort = () =>
      reject(new BrowserStorageError({ action: `save ${key}`, cause: transaction.error }))
  })
}

/** A blob store under `key` in this browser's IndexedDB. */
export function indexedDbStore(key: string): BlobStore {
  return { load: () => readBlob(key), save: (blob) => writeBlob(key, blob), remove: () => writeBlob(key, undefined) }
}
