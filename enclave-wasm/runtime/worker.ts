/**
 * Entry of the enclave Worker (bundled to build/worker.js and measured). Every message from the host is hostile:
 * it is parsed against protocol.ts before anything acts on it, and failures go back as error data.
 */
import {
  ENCLAVE_ERROR_CODES,
  parseBootMessage,
  parseRequest,
  ProtocolViolation,
  type BootReply,
  type EnclaveErrorData,
  type EnclaveResponse,
} from '../protocol'
import { bytesToHex } from '@noble/hashes/utils.js'
import { createPlatformClient } from '../platform/platformChannel'
import { BrokenInvariantError } from './applyWholeOrNothing'
import { dispatch } from './dispatch'
import { bootState, type EnclaveState } from './enclaveState'
import { startCore } from './startCore'

type Port = {
  post: (message: unknown) => void
  onMessage: (handler: (data: unknown) => void) => void
  /** Ends this Worker: the host sees it exit and must start a fresh instance. */
  close: () => void
}

declare global {
  // Installed by the Node loader's prelude (platform/launchNodeEnclave.ts) before this bundle runs.
  var __anonifyPort: Port | undefined
}

/** Node's loader installs `__anonifyPort`; in a browser Worker the port is `self`. */
const port: Port = globalThis.__anonifyPort ?? {
  post: (message) => self.postMessage(message),
  onMessage: (handler) => self.addEventListener('message', (event: MessageEvent) => handler(event.data)),
  close: () => self.close(),
}

let state: EnclaveState | undefined
let booting = false
// Requests run one at a time, in arrival order: no handler ever sees another's half-applied state.
let queue: Promise<void> = Promise.resolve()

port.onMessage((data) => {
  if (state === undefined) {
    if (booting) return
    booting = true
    void boot(data).then((reply) => port.post(reply))
    return
  }
  const current = state
  queue = queue.then(() => serve(current, data))
})

/** Answers one request. Never rejects: a rejected link would silently stop every request queued after it. */
async function serve(current: EnclaveState, data: unknown): Promise<void> {
  const response = await handle(current, data)
  try {
    port.post(response)
  } catch (error) {
    port.post({ id: response.id, ok: false, error: toErrorData(error) } satisfies EnclaveResponse)
  }
  // After a broken invariant the state may be half-applied: never serve another request from it.
  if (!response.ok && response.error.code === ENCLAVE_ERROR_CODES.internal) port.close()
}

async function boot(data: unknown): Promise<BootReply> {
  try {
    const message = parseBootMessage(data)
    const core = await startCore(message.core)
    state = bootState(core, `0x${bytesToHex(message.measurement)}`, createPlatformClient(message.platformPort))
    return { kind: 'booted', coreAbiVersion: core.coreAbiVersion() }
  } catch (error) {
    booting = false
    const code = error instanceof ProtocolViolation ? error.code : ENCLAVE_ERROR_CODES.bootFailed
    return { kind: 'bootFailed', error: { code, message: messageOf(error) } }
  }
}

async function handle(current: EnclaveState, data: unknown): Promise<EnclaveResponse> {
  // A request whose id is unreadable is answered under id 0, which the host never uses, so it fails as unmatched.
  const id = readId(data)
  try {
    return { id, ok: true, result: await dispatch(current, parseRequest(data)) }
  } catch (error) {
    return { id, ok: false, error: toErrorData(error) }
  }
}

function readId(data: unknown): number {
  const id = (data as { id?: unknown } | null)?.id
  return typeof id === 'number' && Number.isSafeInteger(id) && id >= 0 ? id : 0
}

/**
 * Only a `BrokenInvariantError` (an input failed half-applied) is `internal`, which ends the instance. Any other
 * failure of one request left nothing half-done that the next request relies on: it is refused and the enclave serves on.
 */
function toErrorData(error: unknown): EnclaveErrorData {
  if (error instanceof ProtocolViolation) return { code: error.code, message: error.message }
  if (error instanceof BrokenInvariantError) return { code: ENCLAVE_ERROR_CODES.internal, message: error.message }
  return { code: ENCLAVE_ERROR_CODES.rejected, message: messageOf(error) }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : 'unknown failure'
}
