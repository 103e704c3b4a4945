/** The platform loader: measures an enclave image, checks the core, starts the Worker and boots it. */
import {
  parseBootReply,
  PROTOCOL_VERSION,
  type BootMessage,
  type EnclaveTransport,
  type Hex,
} from '../protocol'
import { checkCoreImports } from './checkCoreImports'
import { enclaveConfigBytes } from './enclaveConfig'
import { measure, measurementHex } from './measure'

export type LaunchEnclaveParameters = {
  core: Uint8Array
  worker: Uint8Array
  /** Starts a Worker running exactly `worker` (the bytes that were measured). */
  start: (worker: Uint8Array) => EnclaveTransport
  /** How long the Worker may take to boot. */
  bootTimeoutMs?: number | undefined
}

export type LaunchedEnclave = {
  transport: EnclaveTransport
  /** mrEnclave as the loader computed it; the enclave cannot choose or alter it. */
  measurement: Hex
}

/** The Worker refused to boot or did not answer; `reason` is the enclave's or the loader's explanation. */
export class EnclaveLaunchError extends Error {
  override name = 'EnclaveLaunchError' as const
  constructor(readonly reason: string) {
    super(`The enclave did not boot: ${reason}`)
  }
}

/** Measures, checks and boots one enclave instance. Throws `EnclaveLaunchError` or `ForbiddenCoreImportError`. */
export async function launchEnclave(parameters: LaunchEnclaveParameters): Promise<LaunchedEnclave> {
  const { core, worker, start, bootTimeoutMs = 15_000 } = parameters
  const measurement = measure({ core, worker, config: enclaveConfigBytes() })
  // Checked before the Worker exists: a core with a forbidden import is never instantiated anywhere.
  checkCoreImports(await WebAssembly.compile(core as Uint8Array<ArrayBuffer>))

  const transport = start(worker)
  const boot: BootMessage = { kind: 'boot', protocolVersion: PROTOCOL_VERSION, core: core.slice(), measurement }
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new EnclaveLaunchError(`no answer within ${bootTimeoutMs} ms`)), bootTimeoutMs)
      transport.onExit((reason) => {
        clearTimeout(timer)
        reject(new EnclaveLaunchError(`the Worker exited during boot (${reason})`))
      })
      transport.onMessage((data) => {
        clearTimeout(timer)
        try {
          const reply = parseBootReply(data)
          if (reply.kind === 'booted') resolve()
          else reject(new EnclaveLaunchError(reply.error.message))
        } catch (error) {
          reject(new EnclaveLaunchError(`malformed boot reply: ${(error as Error).message}`))
        }
      })
      transport.post(boot, [boot.core.buffer])
    })
  } catch (error) {
    await transport.terminate()
    throw error
  }
  return { transport, measurement: measurementHex(measurement) }
}
