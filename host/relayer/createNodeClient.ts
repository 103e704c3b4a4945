/** A wallet's client of a node's HTTP API: relays sealed commands and authenticated reads, trusts nothing it answers. */
import type { Hex } from 'viem'
import { AnonifyError } from '../errors/base'

/** The node refused a request or could not be reached. */
export class NodeRequestError extends AnonifyError {
  override name = 'NodeRequestError' as const
  constructor({ url, status, message }: { url: string; status?: number | undefined; message: string }) {
    super(`The node at ${url} ${status ? `answered ${status}: ${message}` : `is unreachable: ${message}`}`, {
      metaMessages: ['Check --node (default http://127.0.0.1:8547) and that `anonify node` or `npm start` is running.'],
    })
  }
}

/**
 * @example
 * const node = createNodeClient('http://127.0.0.1:8547')
 * await node.postCommand(record)
 */
export function createNodeClient(url: string) {
  const call = async (path: string, init: RequestInit): Promise<{ status: number; body: Record<string, unknown> }> => {
    let response: Response
    try {
      response = await fetch(new URL(path, url), init)
    } catch (cause) {
      throw new NodeRequestError({ url, message: (cause as Error).message })
    }
    const body = (await response.json().catch(() => ({}))) as Record<string, unknown>
    return { status: response.status, body }
  }
  return {
    /** Hands a sealed record to the node's relayer; resolves to whether its enclave accepted it for posting. */
    async postCommand(record: Uint8Array): Promise<boolean> {
      const { status, body } = await call('/v1/commands', {
        method: 'POST',
        headers: { 'content-type': 'application/octet-stream' },
        body: record as Uint8Array<ArrayBuffer>,
      })
      if (status === 202) return true
      if (status === 422) return false
      throw new NodeRequestError({ url, status, message: String(body.error ?? 'unexpected answer') })
    },
    /** Same shape as the enclave's ECALL, so `readAccount` works through a node as through a local enclave. */
    async readAccount(params: { account: Hex; replyKey: Hex; signature: Hex }): Promise<{ reply: Hex }> {
      const { status, body } = await call('/v1/reads', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(params),
      })
      if (status !== 200 || typeof body.reply !== 'string')
        throw new NodeRequestError({ url, status, message: String(body.error ?? 'no reply') })
      return { reply: body.reply as Hex }
    },
  }
}

export type NodeClient = ReturnType<typeof createNodeClient>
