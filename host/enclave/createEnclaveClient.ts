/** The host's typed handle on one enclave: one method per ECALL over a single `request()`. */
import {
  parseAttestResult,
  parseEnclaveStatus,
  parseIngestResult,
  parseInitKeyUpdate,
  parseRekeyAnswer,
  parseRekeyProposal,
  parseResponse,
  parsePrecheckResult,
  parseReadAccountResult,
  parseRestoreResult,
  parseSealResult,
  parseTakeCheckpointsResult,
  type EnclaveMethod,
  type EnclaveResponse,
  type EnclaveSchema,
  type EnclaveTransport,
} from '../../enclave-wasm/protocol'
import { EnclaveCrashedError, EnclaveRequestError, EnclaveTimeoutError } from '../errors/enclave'

export type CreateEnclaveClientParameters = {
  transport: EnclaveTransport
  /** Per-request timeout. */
  timeoutMs?: number | undefined
}

export type EnclaveClient = {
  request: <method extends EnclaveMethod>(method: method, params: EnclaveSchema[method]['params']) => Promise<unknown>
  getStatus: () => Promise<EnclaveSchema['getStatus']['result']>
  bind: (params: EnclaveSchema['bind']['params']) => Promise<null>
  attest: (params: EnclaveSchema['attest']['params']) => Promise<EnclaveSchema['attest']['result']>
  ingest: (params: EnclaveSchema['ingest']['params']) => Promise<EnclaveSchema['ingest']['result']>
  proposeRekey: () => Promise<EnclaveSchema['proposeRekey']['result']>
  rotateInitKey: () => Promise<EnclaveSchema['rotateInitKey']['result']>
  answerRekey: () => Promise<EnclaveSchema['answerRekey']['result']>
  seal: () => Promise<EnclaveSchema['seal']['result']>
  takeCheckpoints: () => Promise<EnclaveSchema['takeCheckpoints']['result']>
  restore: (params: EnclaveSchema['restore']['params']) => Promise<EnclaveSchema['restore']['result']>
  vouch: (params: EnclaveSchema['vouch']['params']) => Promise<null>
  readAccount: (params: EnclaveSchema['readAccount']['params']) => Promise<EnclaveSchema['readAccount']['result']>
  precheck: (params: EnclaveSchema['precheck']['params']) => Promise<EnclaveSchema['precheck']['result']>
  /** Stops the Worker; pending requests fail with `EnclaveCrashedError`. */
  close: () => Promise<void>
}

type Pending = {
  method: string
  resolve: (value: unknown) => void
  reject: (error: Error) => void
  timer: ReturnType<typeof setTimeout>
}

/**
 * Wraps a booted enclave's transport.
 * @example
 * const client = createEnclaveClient({ transport })
 * const { measurement } = await client.getStatus()
 */
export function createEnclaveClient(parameters: CreateEnclaveClientParameters): EnclaveClient {
  const { transport, timeoutMs = 30_000 } = parameters
  const pending = new Map<number, Pending>()
  let nextId = 1
  let crashed: EnclaveCrashedError | undefined

  const failAll = (error: EnclaveCrashedError) => {
    crashed ??= error
    for (const [id, entry] of pending) {
      clearTimeout(entry.timer)
      entry.reject(error)
      pending.delete(id)
    }
  }

  transport.onExit((reason) => failAll(new EnclaveCrashedError({ reason })))
  transport.onMessage((data) => {
    let response: EnclaveResponse
    try {
      response = parseResponse(data)
    } catch (error) {
      // A Worker that breaks the protocol can no longer be trusted to answer anything.
      failAll(new EnclaveCrashedError({ reason: `malformed response (${(error as Error).message})` }))
      void transport.terminate()
      return
    }
    const entry = pending.get(response.id)
    if (!entry) return
    pending.delete(response.id)
    clearTimeout(entry.timer)
    if (response.ok) entry.resolve(response.result)
    else entry.reject(new EnclaveRequestError(response.error, entry.method))
  })

  const request: EnclaveClient['request'] = (method, params) => {
    if (crashed) return Promise.reject(crashed)
    const id = nextId++
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        pending.delete(id)
        reject(new EnclaveTimeoutError({ method, timeoutMs }))
      }, timeoutMs)
      pending.set(id, { resolve, reject, timer, method })
      transport.post({ id, method, params })
    })
  }

  return {
    request,
    getStatus: async () => parseEnclaveStatus(await request('getStatus', undefined)),
    bind: async (params) => {
      await request('bind', params)
      return null
    },
    attest: async (params) => parseAttestResult(await request('attest', params)),
    ingest: async (params) => parseIngestResult(await request('ingest', params)),
    proposeRekey: async () => parseRekeyProposal(await request('proposeRekey', undefined)),
    rotateInitKey: async () => parseInitKeyUpdate(await request('rotateInitKey', undefined)),
    answerRekey: async () => parseRekeyAnswer(await request('answerRekey', undefined)),
    seal: async () => parseSealResult(await request('seal', undefined)),
    takeCheckpoints: async () => parseTakeCheckpointsResult(await request('takeCheckpoints', undefined)),
    restore: async (params) => parseRestoreResult(await request('restore', params)),
    vouch: async (params) => {
      await request('vouch', params)
      return null
    },
    readAccount: async (params) => parseReadAccountResult(await request('readAccount', params)),
    precheck: async (params) => parsePrecheckResult(await request('precheck', params)),
    close: async () => {
      failAll(new EnclaveCrashedError({ reason: 'closed by the host' }))
      await transport.terminate()
    },
  }
}
