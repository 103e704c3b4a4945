/** Where a host keeps its enclave's sealed state: opaque bytes it can store but never read. */

export type SealedStateStore = {
  load: () => Promise<Uint8Array | undefined>
  /** Replaces the stored blob; after it resolves, a crash loses nothing that was sealed. */
  save: (blob: Uint8Array) => Promise<void>
}

/** A store whose blob can also be deleted (files and IndexedDB): what a wallet keeps its session in. */
export type BlobStore = SealedStateStore & { remove: () => Promise<void> }

/** A store that lives as long as the process: for benchmarks and tests, where nothing must survive. */
export function memoryStore(): SealedStateStore {
  let blob: Uint8Array | undefined
  return {
    load: async () => blob,
    save: async (next) => {
      blob = next
    },
  }
}
