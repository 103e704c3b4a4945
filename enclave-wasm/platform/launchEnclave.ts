/** The platform loader: measures an enclave image, checks the core, starts the Worker and boots it. */
import { sha256 } from '@noble/hashes/sha2.js'
import { parseBootReply, PROTOCOL_VERSION, type BootMessage, type EnclaveTransport, type Hex } from '../protocol'
import { checkCoreImports } from './checkCoreImports'
import { enclaveConfigBytes } from './enclaveConfig'
import { measure, measurementHex } from './measure'
import { servePlatform } from './platformChannel'
import type { LaunchRecord, TeePlatform } from './teePlatform'

export type LaunchEnclaveParameters = {
  core: Uint8Array
  worker: Uint8Array
  /** Starts a Worker running exactly `worker` (the bytes that were measured). */
  start: (worker: Uint8Array) => EnclaveTransport
  /** The machine that launches it: signs its quotes and derives its seal keys. */
  platform: TeePlatform
  /** Launch in debug mode (the host may read its memory; registries refuse it). */
  debug?: boolean | undefined
  /** How long the Worker may take to boot. */
  bootTimeoutMs?: number | undefined
}

export type LaunchedEnclave = {
  transport: EnclaveTransport
  /** mrEnclave as the loader computed it; the enclave cannot choose or alter it. */
  measurement: Hex
}

/** mrSigner of enclaves built from this repository: the identity a 'signer' seal policy follows across versions. */
export const ENCLAVE_SIGNER_ID = sha256(new TextEncoder().encode('anonify/v1 dev signer'))

/** The Worker refused to boot or did not answer; `reason` is the enclave's or the loader's explanation. */
export class EnclaveLaunchError extends Error {
  override name = 'EnclaveLaunchError' as const
  constructor(readonly reason: string) {
    super(`The enclave did not boot: ${reason}`)
  }
}

/** Measures, checks and boots one enclave instance. Throws `EnclaveLaunchError` or `ForbiddenCoreImportError`. */
export async function launchEnclave(parameters: LaunchEnclaveParameters): Promise<LaunchedEnclave> {
  const { core, worker, start, platform, debug = false, bootTimeoutMs = 15_000 } = parameters
  const measurement = measure({ core, worker, config: enclaveConfigBytes() })
  // Checked before the Worker exists: a core with a forbidden import is never instantiated anywhere.
  checkCoreImports(await WebAssembly.compile(core as Uint8Array<ArrayBuffer>))

  const transport = start(worker)
  const launch: LaunchRecord = { measurement, signerId: ENCLAVE_SIGNER_ID, productId: 1, svn: 1, debug }
  const channel = new MessageChannel()
  servePlatform(channel.port1, platform, launch)
  const boot: BootMessage = {
    kind: 'boot',
    protocolVersion: PROTOCOL_VERSION,
    core: core.slice(),
    measurement,
    platformPort: channel.port2,
  }
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new EnclaveLaunchError(`no answer within ${bootTimeoutMs} ms`)),
        bootTimeoutMs,
      )
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
      transport.post(boot, [boot.core.buffer, channel.port2])
    })
  } catch (error) {
    channel.port1.close()
    await transport.terminate()
    throw error
  }
  // The platform's end of the channel lives exactly as long as the Worker.
  const closePlatform = () => channel.port1.close()
  return {
    transport: {
      ...transport,
      onExit: (handler) =>
        transport.onExit((reason) => {
          closePlatform()
          handler(reason)
        }),
      terminate: async () => {
        closePlatform()
        await transport.terminate()
      },
    },
    measurement: measurementHex(measurement),
  }
}
