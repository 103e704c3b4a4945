/**
 * The relayer: takes command records (sealed or session) from anyone, asks its enclave whether each is worth posting
 * (one bit, nothing about the content), and posts them in batches, so users' addresses never appear on chain. It
 * keeps each batch until its block is final and posts it again if a reorg drops it. While the Ledger is paused by a
 * divergence it posts nothing and refuses new records, keeps what it holds, and posts it once governance resumes.
 */
import { bytesToHex, TransactionNotFoundError, TransactionReceiptNotFoundError, type Address, type Hash } from 'viem'
import type { EnclaveClient } from '../enclave/createEnclaveClient'
import { LedgerPausedError, LedgerTransactionError } from '../errors/ledger'
import { BatchDroppedError, RelayerQueueFullError } from '../errors/relayer'
import type { LedgerClients } from '../ledger/confirmTransaction'
import { MAX_RECORDS_PER_BATCH, RECORD_BYTES, SESSION_RECORD_BYTES } from '../ledger/constants'
import { readFinalBlock, type FinalityPolicy } from '../ledger/readFinalBlock'
import { readLedgerPause } from '../ledger/readLedgerPause'
import { submitBatch } from '../ledger/submitBatch'
import { submitSessionBatch } from '../ledger/submitSessionBatch'
import type { SealedStateStore } from '../storage/sealedStateStore'
import { decodeRelayerQueue, encodeRelayerQueue, type PostedBatch } from './relayerQueue'

/** Records held at once, queued or posted and not yet final: 4,096 sealed records are 1.3 MB. */
export const MAX_QUEUED_RECORDS = 4_096
/** Times a batch may revert or fail to send before its records are dropped. */
export const MAX_POST_ATTEMPTS = 3
/** How long a send waits for its receipt before leaving the batch to the next `confirm`. */
const RECEIPT_TIMEOUT_MS = 60_000
/** Records remembered after their batch became final, so a copy sent again is not posted again. */
const RECENT_RECORDS = 4_096

export type CreateRelayerParameters = {
  enclave: Pick<EnclaveClient, 'precheck'>
  clients: LedgerClients
  ledger: Address
  /** The deployment's finality policy: a batch counts as posted once its block is final under it. */
  finality: FinalityPolicy
  /** Where the queue survives a restart (`fileStore(dataDir/relayer-queue.json)`); in memory only when omitted. */
  store?: SealedStateStore | undefined
  /** Post when this many records wait… */
  maxBatch?: number | undefined
  /** …or when the oldest has waited this long. */
  flushAfterMs?: number | undefined
  /** How often posted batches are checked for finality or a reorg, and a paused Ledger for its resume. */
  confirmIntervalMs?: number | undefined
  maxQueued?: number | undefined
  maxAttempts?: number | undefined
  /** A batch of `records` records is final on chain in transaction `hash`. */
  onPosted?: ((records: number, hash: Hash) => void) | undefined
  onError?: ((error: unknown) => void) | undefined
}

export type Relayer = {
  /**
   * Prechecks and queues one record; resolves once it is queued (and stored), not yet posted. True for a record
   * already held (queued, posted or recently final): it is not posted twice. Throws `RelayerQueueFullError`, and
   * `LedgerPausedError` while the Ledger is paused.
   */
  accept: (record: Uint8Array) => Promise<boolean>
  /** Posts what is queued now and waits for the receipts. */
  flush: () => Promise<void>
  /** One pass over the posted batches: forgets the final ones, posts again those a reorg dropped. */
  confirm: () => Promise<void>
  /** Records held: being prechecked, queued, or posted and not yet final. */
  pending: () => number
  /** The divergent seq the Ledger was paused at when last read before posting; undefined while it takes batches. */
  pausedAt: () => bigint | undefined
  /** Stops posting; what is still held stays in the store for the next start (posted first, without a store). */
  stop: () => Promise<void>
}

type Lane = {
  submit: typeof submitBatch
  functionName: 'submit' | 'submitSessions'
  queue: Uint8Array[]
  timer: ReturnType<typeof setTimeout> | undefined
}

/**
 * Sealed (312-byte) and session (96-byte) records wait in separate lanes: each Ledger call takes one size. With a
 * store, what the previous run held is loaded first and goes out before anything new.
 * @example
 * const relayer = await createRelayer({ enclave, clients, ledger, finality: deployment.finality, store })
 * if (await relayer.accept(record)) console.log('queued')
 */
export async function createRelayer(parameters: CreateRelayerParameters): Promise<Relayer> {
  const {
    enclave,
    clients,
    ledger,
    finality,
    store,
    maxBatch = MAX_RECORDS_PER_BATCH,
    flushAfterMs = 1_000,
    confirmIntervalMs = 1_000,
    maxQueued = MAX_QUEUED_RECORDS,
    maxAttempts = MAX_POST_ATTEMPTS,
    onPosted,
    onError,
  } = parameters
  const lanes = new Map<number, Lane>([
    [RECORD_BYTES, { submit: submitBatch, functionName: 'submit', queue: [], timer: undefined }],
    [SESSION_RECORD_BYTES, { submit: submitSessionBatch, functionName: 'submitSessions', queue: [], timer: undefined }],
  ])
  const laneOf = (record: Uint8Array) => lanes.get(record.byteLength)!
  // Every record held, by its bytes: a second POST of the same bytes is answered from here, never posted again.
  const held = new Set<string>()
  const recent = new Set<string>()
  let posted: PostedBatch[] = []
  // Batches taken from their queue and not yet sent (no hash): stored as queued, so a crash before or during the send
  // posts them again rather than lose them.
  const sending = new Set<Uint8Array[]>()
  // Reverts and failed sends so far, by record; a batch has failed as often as its most-failed record.
  const failures = new Map<string, number>()
  let posting: Promise<void> = Promise.resolve()
  let saving: Promise<void> = Promise.resolve()
  let confirmTimer: ReturnType<typeof setTimeout> | undefined
  let resumeTimer: ReturnType<typeof setTimeout> | undefined
  let pausedAt: bigint | undefined
  let stopped = false

  /** Writes the whole state, one write after another; resolves once this state (or a later one) is stored. */
  const save = (): Promise<void> => {
    if (!store) return Promise.resolve()
    saving = saving.then(() =>
      store.save(
        encodeRelayerQueue({
          queued: [...[...sending].flat(), ...[...lanes.values()].flatMap((l) => l.queue)],
          posted,
        }),
      ),
    )
    return saving
  }

  const schedule = (lane: Lane) => {
    if (!stopped && lane.queue.length > 0) lane.timer ??= setTimeout(() => void flushLane(lane), flushAfterMs)
  }
  const scheduleConfirm = () => {
    if (!stopped && posted.length > 0) confirmTimer ??= setTimeout(() => void confirmLoop(), confirmIntervalMs)
  }
  const confirmLoop = async () => {
    confirmTimer = undefined
    await confirm().catch((error: unknown) => onError?.(error))
    scheduleConfirm()
  }

  /**
   * Reads the pause before a batch goes out and after one failed. While paused, puts `first` (a batch that reverted)
   * and every batch not yet sent back in front of their queues in the order they were taken, counting no failure: a
   * pause is no fault of the batch, and a batch sent now would only revert. Resolves to whether it is paused.
   */
  const holdIfPaused = async (first?: Uint8Array[]): Promise<boolean> => {
    const pause = await readLedgerPause(clients.publicClient, { ledger })
    pausedAt = pause.paused ? pause.seq : undefined
    if (!pause.paused) return false
    const unsent = [...(first ? [first] : []), ...sending]
    sending.clear()
    for (const lane of lanes.values())
      lane.queue = [...unsent.filter((b) => laneOf(b[0]!) === lane).flat(), ...lane.queue]
    scheduleResumeCheck()
    return true
  }
  const scheduleResumeCheck = () => {
    if (!stopped) resumeTimer ??= setTimeout(() => void resumeCheck(), confirmIntervalMs)
  }
  const resumeCheck = async () => {
    resumeTimer = undefined
    const pause = await readLedgerPause(clients.publicClient, { ledger }).catch((error: unknown) => onError?.(error))
    if (pause && !pause.paused) {
      pausedAt = undefined
      await flush()
    } else scheduleResumeCheck()
  }

  /** Back to the front of its queue after a failure (logged), or dropped for good after `maxAttempts` of them. */
  const retry = (records: Uint8Array[], error: unknown, hash?: Hash) => {
    const keys = records.map((record) => bytesToHex(record))
    const attempts = 1 + Math.max(...keys.map((key) => failures.get(key) ?? 0))
    if (attempts >= maxAttempts) {
      for (const key of keys) forget(key)
      onError?.(new BatchDroppedError({ records: records.length, attempts, hash, cause: error }))
      return
    }
    for (const key of keys) failures.set(key, attempts)
    onError?.(error)
    requeue(records)
  }
  /** Ahead of anything newer in its lane: records keep the order they were accepted in. */
  const requeue = (records: Uint8Array[]) => {
    const lane = laneOf(records[0]!)
    lane.queue = [...records, ...lane.queue]
    schedule(lane)
  }
  const forget = (key: string) => {
    held.delete(key)
    failures.delete(key)
  }

  const flushLane = (lane: Lane): Promise<void> => {
    if (lane.timer) clearTimeout(lane.timer)
    lane.timer = undefined
    if (lane.queue.length === 0 || stopped) return posting
    const batch = lane.queue.splice(0, maxBatch)
    sending.add(batch)
    // Batches go out one after another: the relayer's nonce order is the chain's order.
    posting = posting.then(async () => {
      // Put back in its queue by a pause an earlier batch met.
      if (!sending.has(batch)) return
      let hash: Hash
      try {
        if (await holdIfPaused()) return save()
        hash = await lane.submit(clients.walletClient, { ledger, records: batch })
      } catch (error) {
        if (!(await holdIfPaused().catch(() => false))) {
          sending.delete(batch)
          retry(batch, error)
        }
        return save()
      }
      sending.delete(batch)
      // Stored as posted before its receipt: a crash now must not post it again unless the chain lost it.
      posted.push({ hash, records: batch })
      await save()
      try {
        const receipt = await clients.publicClient.waitForTransactionReceipt({ hash, timeout: RECEIPT_TIMEOUT_MS })
        // A reverted batch appended nothing: it is not posted, whatever its transaction hash says.
        if (receipt.status !== 'success') {
          posted = posted.filter((b) => b.hash !== hash)
          if (!(await holdIfPaused(batch).catch(() => false)))
            retry(batch, new LedgerTransactionError({ functionName: lane.functionName, hash }), hash)
          await save()
        }
      } catch (error) {
        // No receipt yet (a slow chain, a dropped transaction, an RPC hiccup): it stays posted; `confirm` decides.
        onError?.(error)
      }
      scheduleConfirm()
    })
    if (lane.queue.length > 0) void flushLane(lane)
    return posting
  }
  const flush = async () => {
    for (const lane of lanes.values()) await flushLane(lane)
  }

  /** Whether the chain still knows `hash`: in a block (the receipt), or waiting in the node's pool. */
  const lookUp = async (hash: Hash) => {
    const receipt = await clients.publicClient.getTransactionReceipt({ hash }).catch((error: unknown) => {
      if (error instanceof TransactionReceiptNotFoundError) return undefined
      throw error
    })
    if (receipt) return receipt
    const pooled = await clients.publicClient.getTransaction({ hash }).catch((error: unknown) => {
      if (error instanceof TransactionNotFoundError) return undefined
      throw error
    })
    return pooled ? 'pooled' : 'gone'
  }

  async function confirm(): Promise<void> {
    await posting
    const finalBlock = await readFinalBlock(clients.publicClient, finality)
    const dropped: { batch: PostedBatch; reverted: boolean }[] = []
    for (const batch of [...posted]) {
      const found = await lookUp(batch.hash)
      if (found === 'pooled') continue
      if (found === 'gone' || found.status !== 'success') dropped.push({ batch, reverted: found !== 'gone' })
      else if (found.blockNumber <= finalBlock) {
        posted = posted.filter((b) => b !== batch)
        for (const record of batch.records) remember(bytesToHex(record))
        onPosted?.(batch.records.length, batch.hash)
      }
    }
    // Dropped by a reorg: posted again, oldest first, ahead of newer records; a reorg is no failure of the batch. One
    // that reverted in the block that replaced its own failed like any revert, unless the Ledger is paused.
    for (const { batch, reverted } of dropped.reverse()) {
      posted = posted.filter((b) => b !== batch)
      const { functionName } = laneOf(batch.records[0]!)
      if (!reverted) requeue(batch.records)
      else if (!(await holdIfPaused(batch.records).catch(() => false)))
        retry(batch.records, new LedgerTransactionError({ functionName, hash: batch.hash }), batch.hash)
    }
    await save()
    if (dropped.length > 0) await flush()
  }

  const remember = (key: string) => {
    forget(key)
    recent.add(key)
    if (recent.size > RECENT_RECORDS) recent.delete(recent.values().next().value!)
  }

  if (store) {
    const blob = await store.load()
    const state = blob && decodeRelayerQueue(blob)
    for (const record of state?.queued ?? []) laneOf(record).queue.push(record)
    posted = state?.posted ?? []
    for (const record of [...(state?.queued ?? []), ...posted.flatMap((b) => b.records)]) held.add(bytesToHex(record))
    for (const lane of lanes.values()) schedule(lane)
    scheduleConfirm()
  }

  return {
    async accept(record) {
      const lane = lanes.get(record.byteLength)
      if (!lane || stopped) return false
      const key = bytesToHex(record)
      if (held.has(key) || recent.has(key)) return true
      if (pausedAt !== undefined) throw new LedgerPausedError({ seq: pausedAt })
      if (held.size >= maxQueued) throw new RelayerQueueFullError({ maxQueued })
      // Held before the precheck's await, so a copy arriving meanwhile is answered as a copy.
      held.add(key)
      // The first block the batch could land in: a record whose deadline is before it can only be refused.
      const blockNumber = (await clients.publicClient.getBlockNumber({ cacheTime: 0 })) + 1n
      const { accepted } = await enclave.precheck({ record: key, blockNumber }).catch((error: unknown) => {
        held.delete(key)
        throw error
      })
      if (!accepted) {
        held.delete(key)
        return false
      }
      lane.queue.push(record)
      await save()
      if (lane.queue.length >= maxBatch) void flushLane(lane)
      else schedule(lane)
      return true
    },
    flush,
    confirm,
    pending: () => held.size,
    pausedAt: () => pausedAt,
    async stop() {
      if (!store) await flush()
      stopped = true
      for (const lane of lanes.values()) if (lane.timer) clearTimeout(lane.timer)
      if (confirmTimer) clearTimeout(confirmTimer)
      if (resumeTimer) clearTimeout(resumeTimer)
      await posting
      await saving
    },
  }
}
