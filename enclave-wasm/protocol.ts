/**
 * The enclave boundary: every message between the host and the enclave Worker, with its validator.
 * This is the only file of enclave-wasm/ that code outside it may import (plus the platform loader entries).
 * Types, constants and parsers only: it imports nothing from runtime/, assembly/ or platform/.
 */

/** Bumped on any change to the messages below; checked at boot so a stale host cannot talk to a new enclave. */
export const PROTOCOL_VERSION = 1

/** Measurements are SHA-256 digests. */
export const MEASUREMENT_BYTES = 32

/** Largest core.wasm the loader hands to an enclave (bytes); guards the Worker against a hostile boot message. */
export const MAX_CORE_BYTES = 16 * 1024 * 1024

export type Hex = `0x${string}`

/** What an enclave says about itself. `measurement` was computed by the platform loader, not by the enclave. */
export type EnclaveStatus = {
  booted: true
  protocolVersion: number
  coreAbiVersion: number
  measurement: Hex
  /** The TEE backend. `simulation` gives NO hardware protection: the host can read the enclave's memory. */
  platform: 'simulation'
}

/** The ECALL table: each method with its params and result (shaped like viem's EIP-1193 schema). */
export type EnclaveSchema = {
  getStatus: { params: undefined; result: EnclaveStatus }
}

export type EnclaveMethod = keyof EnclaveSchema

export type EnclaveRequest<method extends EnclaveMethod = EnclaveMethod> = {
  [m in method]: { id: number; method: m; params: EnclaveSchema[m]['params'] }
}[method]

/** Error codes that cross the boundary as data (structured clone drops Error subclasses). */
export const ENCLAVE_ERROR_CODES = {
  /** The message is not a well-formed request. */
  invalidRequest: 1,
  /** The method is not in the ECALL table. */
  unknownMethod: 2,
  /** A request arrived before a successful boot. */
  notBooted: 3,
  /** The core module was refused or failed to start. */
  bootFailed: 4,
  /** Host and enclave speak different protocol versions. */
  protocolMismatch: 5,
  /** A broken invariant inside the enclave; the instance must be discarded. */
  internal: 6,
} as const

export type EnclaveErrorCode = (typeof ENCLAVE_ERROR_CODES)[keyof typeof ENCLAVE_ERROR_CODES]

export type EnclaveErrorData = { code: EnclaveErrorCode; message: string }

export type EnclaveResponse =
  | { id: number; ok: true; result: unknown }
  | { id: number; ok: false; error: EnclaveErrorData }

/** First message from the platform loader: the measured code to run and the measurement it computed. */
export type BootMessage = {
  kind: 'boot'
  protocolVersion: number
  /** core.wasm bytes, exactly the ones measured. */
  core: Uint8Array
  measurement: Uint8Array
}

/** The enclave's answer to `BootMessage`. */
export type BootReply = { kind: 'booted'; coreAbiVersion: number } | { kind: 'bootFailed'; error: EnclaveErrorData }

/** How bytes move between host and Worker; browser Worker and Node worker_threads differ only here. */
export type EnclaveTransport = {
  post: (message: unknown, transfer?: Transferable[]) => void
  /** Registers the one handler for messages from the other side. */
  onMessage: (handler: (data: unknown) => void) => void
  /** Called once if the Worker throws or exits. */
  onExit: (handler: (reason: string) => void) => void
  terminate: () => Promise<void>
}

/** A message failed validation; `code` says how. Thrown by the parsers below. */
export class ProtocolViolation extends Error {
  override name = 'ProtocolViolation' as const
  constructor(
    readonly code: EnclaveErrorCode,
    message: string,
  ) {
    super(message)
  }
}

const METHODS: { [m in EnclaveMethod]: (params: unknown) => EnclaveSchema[m]['params'] } = {
  getStatus: (params) => {
    if (params !== undefined) throw invalid('getStatus takes no params')
    return undefined
  },
}

/** Parses a host message inside the Worker; every field is treated as hostile. */
export function parseRequest(data: unknown): EnclaveRequest {
  const message = asRecord(data, 'request')
  const id = message.id
  if (!isRequestId(id)) throw invalid('request id must be a non-negative safe integer')
  const method = message.method
  if (typeof method !== 'string' || !Object.hasOwn(METHODS, method))
    throw new ProtocolViolation(ENCLAVE_ERROR_CODES.unknownMethod, `unknown method ${JSON.stringify(method)}`)
  const params = METHODS[method as EnclaveMethod](message.params)
  return { id, method, params } as EnclaveRequest
}

/** Parses a Worker message on the host side. The result stays `unknown` until the caller's method types it. */
export function parseResponse(data: unknown): EnclaveResponse {
  const message = asRecord(data, 'response')
  if (!isRequestId(message.id)) throw invalid('response id must be a non-negative safe integer')
  if (message.ok === true) return { id: message.id, ok: true, result: message.result }
  if (message.ok === false) return { id: message.id, ok: false, error: parseErrorData(message.error) }
  throw invalid('response ok must be a boolean')
}

/** Parses the loader's boot message inside the Worker. */
export function parseBootMessage(data: unknown): BootMessage {
  const message = asRecord(data, 'boot message')
  if (message.kind !== 'boot') throw invalid('expected a boot message first')
  if (message.protocolVersion !== PROTOCOL_VERSION)
    throw new ProtocolViolation(
      ENCLAVE_ERROR_CODES.protocolMismatch,
      `host speaks protocol ${String(message.protocolVersion)}, enclave speaks ${PROTOCOL_VERSION}`,
    )
  const core = message.core
  if (!(core instanceof Uint8Array) || core.byteLength === 0 || core.byteLength > MAX_CORE_BYTES)
    throw invalid(`core must be 1..${MAX_CORE_BYTES} bytes`)
  const measurement = message.measurement
  if (!(measurement instanceof Uint8Array) || measurement.byteLength !== MEASUREMENT_BYTES)
    throw invalid(`measurement must be ${MEASUREMENT_BYTES} bytes`)
  return { kind: 'boot', protocolVersion: PROTOCOL_VERSION, core, measurement }
}

/** Parses the Worker's answer to a boot message on the loader side. */
export function parseBootReply(data: unknown): BootReply {
  const message = asRecord(data, 'boot reply')
  if (message.kind === 'booted' && isRequestId(message.coreAbiVersion))
    return { kind: 'booted', coreAbiVersion: message.coreAbiVersion }
  if (message.kind === 'bootFailed') return { kind: 'bootFailed', error: parseErrorData(message.error) }
  throw invalid('malformed boot reply')
}

/** Parses an `EnclaveStatus` result on the host side. */
export function parseEnclaveStatus(data: unknown): EnclaveStatus {
  const status = asRecord(data, 'status')
  if (status.booted !== true) throw invalid('status.booted must be true')
  if (!isRequestId(status.protocolVersion) || !isRequestId(status.coreAbiVersion))
    throw invalid('status versions must be integers')
  if (typeof status.measurement !== 'string' || !/^0x[0-9a-f]{64}$/.test(status.measurement))
    throw invalid('status.measurement must be 32 bytes of lowercase hex')
  if (status.platform !== 'simulation') throw invalid('status.platform is unknown')
  return {
    booted: true,
    protocolVersion: status.protocolVersion,
    coreAbiVersion: status.coreAbiVersion,
    measurement: status.measurement as Hex,
    platform: status.platform,
  }
}

function parseErrorData(data: unknown): EnclaveErrorData {
  const error = asRecord(data, 'error')
  const codes: readonly unknown[] = Object.values(ENCLAVE_ERROR_CODES)
  if (!codes.includes(error.code)) throw invalid('error.code is unknown')
  if (typeof error.message !== 'string') throw invalid('error.message must be a string')
  return { code: error.code as EnclaveErrorCode, message: error.message.slice(0, 1000) }
}

function asRecord(data: unknown, what: string): Record<string, unknown> {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw invalid(`${what} must be an object`)
  return data as Record<string, unknown>
}

function isRequestId(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0
}

function invalid(message: string): ProtocolViolation {
  return new ProtocolViolation(ENCLAVE_ERROR_CODES.invalidRequest, message)
}
