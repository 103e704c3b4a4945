/** A wallet's client of a node's HTTP API: relays sealed commands and authenticated reads, trusts nothing it answers. */
import type { Hex } from 'viem'
import { NodeRequestError, NodeUnavailableError } from '../errors/node'

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
      throw new NodeUnavailableError({ url, message: (cause as Error).message, cause })
    }
    const body = (await response.json().catch(() => ({}))) as Record<string, unknown>
    return { status: response.status, body }
  }
  /** 5xx is the node's trouble (its enclave restarting or busy), 4xx the request's. */
  const fail = (status: number, body: Record<string, unknown>, fallback: string) => {
    const message = String(body.error ?? fallback)
    return status >= 500
      ? new NodeUnavailableError({ url, status, message })
      : new NodeRequestError({ url, status, message })
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
      throw fail(status, body, 'unexpected answer')
    },
    /** Same shape as the enclave's ECALL, so `readAccount` works through a node as through a local enclave. */
    async readAccount(params: { account: Hex; replyKey: Hex; signature: Hex }): Promise<{ reply: Hex }> {
      const { status, body } = await call('/v1/reads', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(params),
      })
      if (status !== 200 || typeof body.reply !== 'string') throw fail(status, body, 'no reply')
      return { reply: body.reply as Hex }
    },
  }
}

export type NodeClient = ReturnType<typeof createNodeClient>
