/**
 * Builds the enclave image and its measurement:
 *   assembly/ --asc (release target of asconfig.json)--> build/core.wasm
 *   runtime/worker.ts --esbuild (one self-contained IIFE)--> build/worker.js
 *   measure(core, worker, config) --> build/manifest.json
 * Build output is not committed; `npm test` and `npm start` rebuild it.
 * asconfig.json uses the `incremental` runtime: the core will keep maps and arrays of state that need a real GC,
 * and collection timing never reaches results, so determinism is unaffected.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import asc from 'assemblyscript/asc'
import { build, stop as stopEsbuild } from 'esbuild'
import { sha256 } from '@noble/hashes/sha2.js'
import { CORE_ABI_VERSION } from './shared/constants'
import { PROTOCOL_VERSION } from './protocol'
import { enclaveConfigBytes } from './platform/enclaveConfig'
import { measure, measurementHex } from './platform/measure'
import type { EnclaveManifest } from './platform/manifest'

const ROOT = fileURLToPath(new URL('.', import.meta.url))
const BUILD_DIR = join(ROOT, 'build')

/** Compiles the core, bundles the Worker, measures both and writes build/manifest.json. */
export async function buildEnclave(): Promise<EnclaveManifest> {
  await mkdir(BUILD_DIR, { recursive: true })
  await compileCore()
  await bundleWorker()
  const [core, worker] = await Promise.all([
    readFile(join(BUILD_DIR, 'core.wasm')),
    readFile(join(BUILD_DIR, 'worker.js')),
  ])
  const manifest: EnclaveManifest = {
    version: 1,
    measurement: measurementHex(measure({ core, worker, config: enclaveConfigBytes() })),
    protocolVersion: PROTOCOL_VERSION,
    coreAbiVersion: CORE_ABI_VERSION,
    files: {
      core: { bytes: core.byteLength, sha256: measurementHex(sha256(core)) },
      worker: { bytes: worker.byteLength, sha256: measurementHex(sha256(worker)) },
    },
  }
  await writeFile(join(BUILD_DIR, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`)
  return manifest
}

async function compileCore(): Promise<void> {
  let stderr = ''
  const { error } = await asc.main(
    [join(ROOT, 'assembly/index.ts'), '--config', join(ROOT, 'asconfig.json'), '--target', 'release'],
    {
      stderr: {
        write: (text: string | Uint8Array) => {
          stderr += String(text)
          return true
        },
      } as never,
    },
  )
  if (error) throw new Error(`AssemblyScript compilation failed:\n${stderr || error.message}`)
}

async function bundleWorker(): Promise<void> {
  await build({
    entryPoints: [join(ROOT, 'runtime/worker.ts')],
    outfile: join(BUILD_DIR, 'worker.js'),
    bundle: true,
    // IIFE runs both as a classic browser Worker (from a Blob) and as a Node eval Worker.
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    charset: 'utf8',
    legalComments: 'none',
    logLevel: 'warning',
  })
  // esbuild keeps a service process alive for later builds; `anonify dev` runs for hours and must not carry it.
  await stopEsbuild()
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const manifest = await buildEnclave()
  console.log(
    `enclave built: measurement ${manifest.measurement} (core ${manifest.files.core.bytes} B, worker ${manifest.files.worker.bytes} B)`,
  )
}
