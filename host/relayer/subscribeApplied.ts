/**
 * Follows a node's GET /v1/events: calls `onSeq` with the seq its enclave has applied, at once and whenever it moves,
 * so a wallet re-reads when something changed instead of polling. Built on fetch and a streaming SSE parser, not
 * EventSource, so it runs alike in Node 20 and in browsers, bounds what it buffers and stops on an AbortSignal. A
 * dropped or silent stream is reconnected with a backoff; an event it cannot validate is ignored.
 */
import { createParser, type EventSourceMessage } from 'eventsource-parser'

export type SubscribeAppliedOptions = { signal: AbortSignal }

const FIRST_RETRY_MS = 500
const MAX_RETRY_MS = 30_000
/** The node sends a heartbeat every 15 s: a stream silent for this long is dead, whatever TCP says. */
const SILENCE_MS = 40_000
/** An applied event is some 40 characters; a stream that buffers more without ending an event is not the node's. */
const MAX_BUFFERED_CHARS = 4_096

/**
 * Resolves once `signal` aborts; never rejects. `onSeq` hears each seq once, in the order the node sent them (an
 * exception it throws drops the connection, which is made again).
 * @example
 * const stop = new AbortController()
 * void subscribeApplied('http://127.0.0.1:8547', () => void refresh(), { signal: stop.signal })
 */
export async function subscribeApplied(
  url: string,
  onSeq: (seq: bigint) => void,
  { signal }: SubscribeAppliedOptions,
): Promise<void> {
  const events = new URL('/v1/events', url)
  let last: bigint | undefined
  let delayMs = FIRST_RETRY_MS
  for (;;) {
    await follow(events, signal, (seq) => {
      // A stream that delivers is a healthy node: the next drop is retried soon again.
      delayMs = FIRST_RETRY_MS
      // Each reconnection starts with the current seq, which the caller may have heard already.
      if (seq === last) return
      last = seq
      onSeq(seq)
    })
    if (signal.aborted) return
    // Jittered, so the wallets of a restarted node do not all come back at the same instant.
    await sleep(delayMs * (0.5 + Math.random() / 2), signal)
    delayMs = Math.min(delayMs * 2, MAX_RETRY_MS)
  }
}

/** One connection: resolves when it ends, whatever the reason. */
async function follow(url: URL, signal: AbortSignal, onSeq: (seq: bigint) => void): Promise<void> {
  const connection = new AbortController()
  const drop = () => connection.abort()
  signal.addEventListener('abort', drop, { once: true })
  let silence = setTimeout(drop, SILENCE_MS)
  try {
    const response = await fetch(url, { signal: connection.signal, headers: { accept: 'text/event-stream' } })
    if (response.status !== 200 || !response.headers.get('content-type')?.startsWith('text/event-stream')) return
    const parser = createParser({
      maxBufferSize: MAX_BUFFERED_CHARS,
      onEvent: (event) => {
        const seq = appliedSeq(event)
        if (seq !== undefined) onSeq(seq)
      },
      onError: (error) => {
        if (error.type === 'max-buffer-size-exceeded') drop()
      },
    })
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader()
    for (;;) {
      const { done, value } = await reader.read()
      if (done) return
      clearTimeout(silence)
      silence = setTimeout(drop, SILENCE_MS)
      parser.feed(value)
    }
  } catch {
    // Refused, dropped, silent or aborted: the caller decides whether to connect again.
  } finally {
    clearTimeout(silence)
    signal.removeEventListener('abort', drop)
    // Releases a body left unread (a refusal) along with the socket.
    connection.abort()
  }
}

/** The seq of a well-formed `applied` event, or undefined. */
function appliedSeq(event: EventSourceMessage): bigint | undefined {
  if (event.event !== 'applied') return undefined
  try {
    const { seq } = JSON.parse(event.data) as { seq?: unknown }
    return typeof seq === 'string' && /^\d{1,20}$/.test(seq) ? BigInt(seq) : undefined
  } catch {
    return undefined
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer)
      signal.removeEventListener('abort', done)
      resolve()
    }
    const timer = setTimeout(done, ms)
    signal.addEventListener('abort', done, { once: true })
  })
}
