/**
 * Serves the Chromium bench page on 127.0.0.1: the enclave image byte for byte from enclave-wasm/build (the loader
 * measures those exact bytes), the page's script bundled now in memory, and the bench's data as JSON.
 */
import { readFile } from 'node:fs/promises'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build, stop as stopEsbuild } from 'esbuild'
import { resolveRepoPath } from '../../deployment/paths'
import type { BenchData } from './benchWire'

export type BenchPageServer = { url: string; stop: () => Promise<void> }

type Route = { type: string; body: string | Uint8Array }

const ENCLAVE_FILES = { 'core.wasm': 'application/wasm', 'worker.js': 'text/javascript' }
const PAGE = '<!doctype html><title>anonify bench</title><script type="module" src="/bench.js"></script>'

/**
 * Starts the server on a free port; `data` is served under /bench/<name>.json.
 * @example
 * const server = await serveBenchPage({ setup, session: toWire(sessionInputs), sealed: toWire(sealedInputs) })
 * await server.stop()
 */
export async function serveBenchPage(data: BenchData): Promise<BenchPageServer> {
  const routes = new Map<string, Route>([
    ['/', { type: 'text/html', body: PAGE }],
    ['/bench.js', { type: 'text/javascript', body: await bundlePage() }],
  ])
  for (const [name, type] of Object.entries(ENCLAVE_FILES))
    routes.set(`/enclave/${name}`, { type, body: await readFile(resolveRepoPath(join('enclave-wasm/build', name))) })
  for (const [name, value] of Object.entries(data))
    routes.set(`/bench/${name}.json`, { type: 'application/json', body: JSON.stringify(value) })

  const server = createServer((request, response) => {
    const route = routes.get(request.url?.split('?')[0] ?? '')
    response.writeHead(route ? 200 : 404, { 'content-type': route?.type ?? 'text/plain', 'cache-control': 'no-store' })
    response.end(route?.body ?? 'not found')
  })
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/`,
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

async function bundlePage(): Promise<Uint8Array> {
  try {
    const { outputFiles } = await build({
      entryPoints: [fileURLToPath(new URL('./benchPage.ts', import.meta.url))],
      bundle: true,
      write: false,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      logLevel: 'warning',
    })
    return outputFiles[0]!.contents
  } finally {
    // esbuild keeps a service process alive for later builds; the bench has no later build.
    await stopEsbuild()
  }
}
