/**
 * GET /v1/events: a Server-Sent Events stream of the seq the node's enclave has applied, so a wallet re-reads when
 * something changed instead of polling. Open streams are bounded in all and per client address, so strangers cannot
 * hold every socket of the node, and each stream unsubscribes when its client goes away.
 */
import type { Context } from 'hono'
import { type SSEStreamingApi, streamSSE } from 'hono/streaming'
import { HttpError } from './httpError'
import type { NodeApiEnv } from './requestGuards'

/** Where the seq comes from: the member node's applied-seq notifier (host/node/appliedSeq.ts). */
export type AppliedSeqSource = {
  seq(): bigint
  subscribe(listener: (seq: bigint) => void): () => void
}

export type AppliedEventsLimits = { streams: number; streamsPerClient: number }

const HEARTBEAT_MS = 15_000

/**
 * @example
 * const events = createAppliedEvents(applied, { streams: 64, streamsPerClient: 4 })
 * app.get('/v1/events', (c) => events.open(c))
 */
export function createAppliedEvents(applied: AppliedSeqSource | undefined, limits: AppliedEventsLimits) {
  /** Each open stream's end, and when its response is over. */
  const open = new Map<() => void, Promise<void>>()
  const perClient = new Map<string, number>()

  return {
    open(c: Context<NodeApiEnv>): Response {
      if (!applied) throw new HttpError(404, 'This node does not push applied inputs.')
      const client = c.get('client')
      const mine = perClient.get(client) ?? 0
      if (mine >= limits.streamsPerClient)
        throw new HttpError(429, `At most ${limits.streamsPerClient} event streams per client; close one first.`)
      if (open.size >= limits.streams)
        throw new HttpError(503, 'This node holds as many event streams as it serves; retry later.')
      perClient.set(client, mine + 1)
      const { outgoing } = c.env
      const finished = new Promise<void>((resolve) => outgoing.once('close', resolve))
      return streamSSE(
        c,
        (stream) =>
          new Promise<void>((resolve) => {
            const writer = appliedWriter(stream)
            // Subscribed before the current seq is read, so no input applied in between goes unsent.
            const unsubscribe = applied.subscribe(writer.applied)
            writer.applied(applied.seq())
            const heartbeat = setInterval(writer.heartbeat, HEARTBEAT_MS)
            const end = () => {
              if (!open.delete(end)) return
              unsubscribe()
              clearInterval(heartbeat)
              const left = (perClient.get(client) ?? 1) - 1
              if (left === 0) perClient.delete(client)
              else perClient.set(client, left)
              resolve()
            }
            open.set(end, finished)
            // The response's end, not the stream's abort: a HEAD answer drops the stream unread and never aborts it.
            outgoing.once('close', end)
          }),
      )
    },
    /** Ends every open stream and resolves once their responses are over: a closing server waits for them. */
    async closeAll(): Promise<void> {
      const ending = [...open]
      for (const [end] of ending) end()
      await Promise.all(ending.map(([, finished]) => finished))
    },
  }
}

/**
 * Writes one thing at a time and, while a write is under way, keeps only the latest seq and skips heartbeats: a
 * client that reads slowly gets fewer events, never a backlog held in the node's memory.
 */
function appliedWriter(stream: SSEStreamingApi) {
  let latest: bigint | undefined
  let sent: bigint | undefined
  let beat = false
  let writing = false
  const drain = async () => {
    writing = true
    while (latest !== undefined || beat) {
      const seq = latest
      latest = undefined
      if (seq === undefined) {
        beat = false
        await stream.write(': heartbeat\n\n')
      } else if (seq !== sent) {
        sent = seq
        await stream.writeSSE({ event: 'applied', data: JSON.stringify({ seq: seq.toString() }) })
      }
    }
    writing = false
  }
  return {
    applied(seq: bigint): void {
      latest = seq
      if (!writing) void drain()
    },
    heartbeat(): void {
      if (writing) return
      beat = true
      void drain()
    },
  }
}
