/** Loader entry for Node: starts the enclave in a worker_threads Worker from the built image. */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
import type { EnclaveTransport } from '../protocol'
import { launchEnclave, type LaunchedEnclave } from './launchEnclave'
import type { TeePlatform } from './teePlatform'

/** Default location of core.wasm and worker.js, written by `npm run build:enclave`. */
export const ENCLAVE_BUILD_DIR = fileURLToPath(new URL('../build/', import.meta.url))

// Node's eval Workers have no `self`; this prelude gives the measured bundle the same port a browser Worker has.
// It is loader code, like the hardware's, so it is not part of the measurement.
const NODE_PRELUDE = `globalThis.__anonifyPort = (() => {
  const { parentPort } = require('node:worker_threads');
  return { post: (m, t) => parentPort.postMessage(m, t), onMessage: (h) => parentPort.on('message', h), close: () => process.exit(70) };
})();\n`

export type LaunchNodeEnclaveParameters = {
  platform: TeePlatform
  /** Folder with core.wasm and worker.js. */
  buildDir?: string | undefined
  debug?: boolean | undefined
}

/**
 * Launches an enclave in Node worker_threads on `platform`.
 * @example
 * const { transport, measurement } = await launchNodeEnclave({ platform: createSimPlatform(machine) })
 */
export async function launchNodeEnclave(parameters: LaunchNodeEnclaveParameters): Promise<LaunchedEnclave> {
  const { platform, buildDir = ENCLAVE_BUILD_DIR, debug } = parameters
  const [core, worker] = await Promise.all([
    readFile(join(buildDir, 'core.wasm')),
    readFile(join(buildDir, 'worker.js')),
  ])
  return launchEnclave({
    core: new Uint8Array(core),
    worker: new Uint8Array(worker),
    start: startNodeWorker,
    platform,
    debug,
  })
}

/** Starts a worker_threads Worker that runs exactly `code` (after the port prelude). */
export function startNodeWorker(code: Uint8Array): EnclaveTransport {
  const worker = new Worker(NODE_PRELUDE + new TextDecoder().decode(code), { eval: true })
  let exitHandler: ((reason: string) => void) | undefined
  let exited = false
  const exit = (reason: string) => {
    if (exited) return
    exited = true
    exitHandler?.(reason)
  }
  worker.on('error', (error) => exit(error.message))
  worker.on('exit', (code) => exit(`exit code ${code}`))
  return {
    post: (message, transfer) => worker.postMessage(message, transfer as never),
    onMessage: (handler) => {
      worker.removeAllListeners('message')
      worker.on('message', handler)
    },
    onExit: (handler) => {
      exitHandler = handler
    },
    terminate: async () => {
      exited = true
      await worker.terminate()
    },
  }
}
