/** A wallet's client of a node's HTTP API: relays sealed commands and authenticated reads, trusts nothing it answers. */
import { keccak256, type Hex } from 'viem'
import {
  parseReadAccountResult,
  type CheckpointSignature,
  type ReadAnswer,
  type ReadRequest,
} from '../../enclave-wasm/protocol'
import type { Checkpoint } from '../../enclave-wasm/envelopes/checkpointTypes'
import type { GatheredCheckpoint } from '../checkpoint/checkpointExchange'
import { checkpointToJson, gatheredFromJson } from '../checkpoint/checkpointJson'
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
    /** The checkpoint at `seq` with the signatures the node gathered, or undefined if it has none there. */
    async checkpointAt(seq: bigint): Promise<GatheredCheckpoint | undefined> {
      const { status, body } = await call(`/v1/checkpoints/${seq}`, { method: 'GET' })
      if (status === 404) return undefined
      const gathered = status === 200 ? gatheredFromJson(body) : undefined
      if (!gathered) throw fail(status, body, 'malformed checkpoint')
      return gathered
    },
    /** The encrypted snapshot with `snapshotHash`, or undefined; its hash is checked here and by the enclave. */
    async snapshot(snapshotHash: Hex): Promise<Uint8Array | undefined> {
      let response: Response
      try {
        response = await fetch(new URL(`/v1/snapshots/${snapshotHash}`, url))
      } catch (cause) {
        throw new NodeUnavailableError({ url, message: (cause as Error).message, cause })
      }
      if (response.status === 404) return undefined
      if (response.status !== 200) throw fail(response.status, {}, 'no snapshot')
      const bytes = new Uint8Array(await response.arrayBuffer())
      return keccak256(bytes) === snapshotHash.toLowerCase() ? bytes : undefined
    },
    /** Adds this member's signature to the node's copy of `checkpoint`; false if the node holds another one. */
    async cosign(checkpoint: Checkpoint, signature: CheckpointSignature): Promise<boolean> {
      const { status, body } = await call('/v1/checkpoints', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ checkpoint: checkpointToJson(checkpoint), ...signature }),
      })
      if (status === 200) return true
      if (status === 409) return false
      throw fail(status, body, 'signature refused')
    },
    /**
     * Same shape as the enclave's ECALL, so `readAccount` works through a node as through a local enclave. The answer
     * is only checked for shape here; the wallet checks whose it is (host/envelopes/readAccount.ts).
     */
    async readAccount({ expiresAt, ...params }: ReadRequest): Promise<ReadAnswer> {
      const { status, body } = await call('/v1/reads', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ...params, expiresAt: `${expiresAt}` }),
      })
      if (status !== 200) throw fail(status, body, 'no reply')
      try {
        return parseReadAccountResult({
          ...body,
          seq: typeof body.seq === 'string' && /^\d{1,20}$/.test(body.seq) ? BigInt(body.seq) : undefined,
        })
      } catch {
        throw new NodeUnavailableError({ url, status, message: 'its read answer is malformed' })
      }
    },
  }
}

export type NodeClient = ReturnType<typeof createNodeClient>
