/**
 * The relayer: takes sealed command records from anyone, asks its enclave whether each is worth posting (one bit,
 * nothing about the content), and posts them in batches, so users' addresses never appear on chain.
 */
import { toHex, type Address } from 'viem'
import type { EnclaveClient } from '../enclave/createEnclaveClient'
import type { LedgerClients } from '../ledger/confirmTransaction'
import { MAX_RECORDS_PER_BATCH } from '../ledger/constants'
import { submitBatch } from '../ledger/submitBatch'

export type CreateRelayerParameters = {
  enclave: Pick<EnclaveClient, 'precheck'>
  clients: LedgerClients
  ledger: Address
  /** Post when this many records wait… */
  maxBatch?: number | undefined
  /** …or when the oldest has waited this long. */
  flushAfterMs?: number | undefined
  onPosted?: ((records: number) => void) | undefined
  onError?: ((error: unknown) => void) | undefined
}

export type Relayer = {
  /** Prechecks and queues one record; resolves once it is queued (not yet posted). */
  accept: (record: Uint8Array) => Promise<boolean>
  /** Posts what is queued now. */
  flush: () => Promise<void>
  /** Records waiting to be posted. */
  pending: () => number
  stop: () => Promise<void>
}

/**
 * @example
 * const relayer = createRelayer({ enclave, clients, ledger })
 * if (await relayer.accept(record)) console.log('queued')
 */
export function createRelayer(parameters: CreateRelayerParameters): Relayer {
  const { enclave, clients, ledger, maxBatch = MAX_RECORDS_PER_BATCH, flushAfterMs = 1_000, onPosted, onError } = parameters
  let queue: Uint8Array[] = []
  let timer: ReturnType<typeof setTimeout> | undefined
  let posting: Promise<void> = Promise.resolve()
  let stopped = false
  const schedule = () => {
    if (!stopped) timer ??= setTimeout(() => void flush(), flushAfterMs)
  }

  const flush = (): Promise<void> => {
    if (timer) clearTimeout(timer)
    timer = undefined
    if (queue.length === 0) return posting
    const batch = queue.splice(0, maxBatch)
    // Batches go out one after another: the relayer's nonce order is the chain's order.
    posting = posting.then(async () => {
      try {
        const hash = await submitBatch(clients.walletClient, { ledger, records: batch })
        await clients.publicClient.waitForTransactionReceipt({ hash })
        onPosted?.(batch.length)
      } catch (error) {
        // Nothing is lost silently: the batch goes back to the front of the queue and is retried.
        queue = [...batch, ...queue]
        onError?.(error)
        schedule()
      }
    })
    if (queue.length > 0) void flush()
    return posting
  }

  return {
    async accept(record) {
      const { accepted } = await enclave.precheck({ record: toHex(record) })
      if (!accepted) return false
      queue.push(record)
      if (queue.length >= maxBatch) void flush()
      else schedule()
      return true
    },
    flush,
    pending: () => queue.length,
    async stop() {
      await flush()
      stopped = true
      if (timer) clearTimeout(timer)
    },
  }
}
