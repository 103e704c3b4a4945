/** Loader entry for browsers: fetches the enclave image, measures it and starts it in a dedicated Web Worker. */
import type { EnclaveTransport } from '../protocol'
import { launchEnclave, type LaunchedEnclave } from './launchEnclave'
import type { TeePlatform } from './teePlatform'

/**
 * Launches an enclave in a Web Worker from `${baseUrl}core.wasm` and `${baseUrl}worker.js` on `platform`.
 * @example
 * const { transport, measurement } = await launchBrowserEnclave({ baseUrl: '/enclave/', platform })
 */
export async function launchBrowserEnclave({
  baseUrl,
  platform,
}: {
  baseUrl: string
  platform: TeePlatform
}): Promise<LaunchedEnclave> {
  const [core, worker] = await Promise.all([fetchBytes(`${baseUrl}core.wasm`), fetchBytes(`${baseUrl}worker.js`)])
  return launchEnclave({
    core,
    worker,
    // The Worker runs the measured bytes themselves (a Blob), never a URL the server could answer differently.
    start: (code) => {
      const url = URL.createObjectURL(new Blob([code as Uint8Array<ArrayBuffer>], { type: 'text/javascript' }))
      return webWorkerTransport(new Worker(url, { name: 'anonify-enclave' }), url)
    },
    platform,
  })
}

async function fetchBytes(url: string): Promise<Uint8Array> {
  const response = await fetch(url)
  if (!response.ok) throw new Error(`Could not load the enclave image ${url}: HTTP ${response.status}.`)
  return new Uint8Array(await response.arrayBuffer())
}

function webWorkerTransport(worker: Worker, blobUrl: string): EnclaveTransport {
  let exitHandler: ((reason: string) => void) | undefined
  let exited = false
  // The Worker loads its script asynchronously: the Blob URL may only be revoked once it has spoken or failed.
  const revoke = () => URL.revokeObjectURL(blobUrl)
  worker.addEventListener('message', revoke, { once: true })
  worker.addEventListener('error', revoke, { once: true })
  worker.addEventListener('error', (event) => {
    if (exited) return
    exited = true
    exitHandler?.(event.message || 'the Worker failed')
  })
  return {
    post: (message, transfer = []) => worker.postMessage(message, transfer),
    onMessage: (handler) => {
      worker.onmessage = (event: MessageEvent) => handler(event.data)
    },
    onExit: (handler) => {
      exitHandler = handler
    },
    terminate: async () => {
      exited = true
      revoke()
      worker.terminate()
    },
  }
}
