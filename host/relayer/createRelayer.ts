/**
 * The relayer: takes command records (sealed or session) from anyone, asks its enclave whether each is worth posting (one bit,
 * nothing about the content), and posts them in batches, so users' addresses never appear on chain.
 */
import { toHex, type Address } from 'viem'
import type { EnclaveClient } from '../enclave/createEnclaveClient'
import type { LedgerClients } from '../ledger/confirmTransaction'
import { MAX_RECORDS_PER_BATCH, RECORD_BYTES, SESSION_RECORD_BYTES } from '../ledger/constants'
import { submitBatch } from '../ledger/submitBatch'
import { submitSessionBatch } from '../ledger/submitSessionBatch'

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

type Lane = {
  submit: typeof submitBatch
  queue: Uint8Array[]
  timer: ReturnType<typeof setTimeout> | undefined
}

/**
 * Sealed (312-byte) and session (96-byte) records wait in separate lanes: each Ledger call takes one size.
 * @example
 * const relayer = createRelayer({ enclave, clients, ledger })
 * if (await relayer.accept(record)) console.log('queued')
 */
export function createRelayer(parameters: CreateRelayerParameters): Relayer {
  const {
    enclave,
    clients,
    ledger,
    maxBatch = MAX_RECORDS_PER_BATCH,
    flushAfterMs = 1_000,
    onPosted,
    onError,
  } = parameters
  const lanes = new Map<number, Lane>([
    [RECORD_BYTES, { submit: submitBatch, queue: [], timer: undefined }],
    [SESSION_RECORD_BYTES, { submit: submitSessionBatch, queue: [], timer: undefined }],
  ])
  let posting: Promise<void> = Promise.resolve()
  let stopped = false
  const schedule = (lane: Lane) => {
    if (!stopped) lane.timer ??= setTimeout(() => void flushLane(lane), flushAfterMs)
  }

  const flushLane = (lane: Lane): Promise<void> => {
    if (lane.timer) clearTimeout(lane.timer)
    lane.timer = undefined
    if (lane.queue.length === 0) return posting
    const batch = lane.queue.splice(0, maxBatch)
    // Batches go out one after another: the relayer's nonce order is the chain's order.
    posting = posting.then(async () => {
      try {
        const hash = await lane.submit(clients.walletClient, { ledger, records: batch })
        await clients.publicClient.waitForTransactionReceipt({ hash })
        onPosted?.(batch.length)
      } catch (error) {
        // Nothing is lost silently: the batch goes back to the front of its queue and is retried.
        lane.queue = [...batch, ...lane.queue]
        onError?.(error)
        schedule(lane)
      }
    })
    if (lane.queue.length > 0) void flushLane(lane)
    return posting
  }
  const flush = async () => {
    for (const lane of lanes.values()) await flushLane(lane)
  }

  return {
    async accept(record) {
      const lane = lanes.get(record.byteLength)
      if (!lane) return false
      const { accepted } = await enclave.precheck({ record: toHex(record) })
      if (!accepted) return false
      lane.queue.push(record)
      if (lane.queue.length >= maxBatch) void flushLane(lane)
      else schedule(lane)
      return true
    },
    flush,
    pending: () => [...lanes.values()].reduce((n, lane) => n + lane.queue.length, 0),
    async stop() {
      await flush()
      stopped = true
      for (const lane of lanes.values()) if (lane.timer) clearTimeout(lane.timer)
    },
  }
}
