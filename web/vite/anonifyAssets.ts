/**
 * Vite plugin: serves the enclave image (/enclave/core.wasm, worker.js, manifest.json) byte for byte from
 * enclave-wasm/build, and the run-time deployment record at /deployment.json. The loader measures these exact bytes,
 * so they must bypass Vite's transforms.
 */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Connect, Plugin } from 'vite'

export type AnonifyAssetsOptions = {
  /** Folder with core.wasm, worker.js and manifest.json. */
  enclaveBuildDir: string
  /** Deployment file written by `anonify dev` / `anonify deploy`. */
  deploymentPath: string
}

const ENCLAVE_FILES: Record<string, string> = {
  'core.wasm': 'application/wasm',
  'worker.js': 'text/javascript',
  'manifest.json': 'application/json',
}

function resolveFile(options: AnonifyAssetsOptions, path: string): { path: string; type: string } | undefined {
  if (path === '/deployment.json') return { path: options.deploymentPath, type: 'application/json' }
  const name = path.startsWith('/enclave/') ? path.slice('/enclave/'.length) : ''
  // Only the listed names: a request can never climb out of the build folder.
  const type = Object.hasOwn(ENCLAVE_FILES, name) ? ENCLAVE_FILES[name] : undefined
  return type ? { path: join(options.enclaveBuildDir, name), type } : undefined
}

/** See the file comment. */
export function anonifyAssets(options: AnonifyAssetsOptions): Plugin {
  const middleware: Connect.NextHandleFunction = (request, response, next) => {
    const path = (request.url ?? '').split('?')[0] ?? ''
    const file = resolveFile(options, path)
    if (!file) return next()
    readFile(file.path).then(
      (body) => {
        response.writeHead(200, { 'content-type': file.type, 'cache-control': 'no-store' })
        response.end(body)
      },
      () => {
        response.writeHead(404, { 'content-type': 'text/plain' })
        response.end(`${path} is not available yet: run \`npm start\` (or \`anonify deploy\`) first.\n`)
      },
    )
  }
  return {
    name: 'anonify-assets',
    configureServer: (server) => void server.middlewares.use(middleware),
    configurePreviewServer: (server) => void server.middlewares.use(middleware),
    async generateBundle() {
      for (const name of Object.keys(ENCLAVE_FILES))
        this.emitFile({
          type: 'asset',
          fileName: `enclave/${name}`,
          source: await readFile(join(options.enclaveBuildDir, name)),
        })
    },
  }
}
