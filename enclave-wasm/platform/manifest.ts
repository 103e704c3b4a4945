/** The enclave build manifest: the measurement `npm run build:enclave` computed, read by deploy, dev and tests. */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Hex } from '../protocol'

export type EnclaveManifest = {
  version: 1
  /** mrEnclave of build/core.wasm + build/worker.js + the enclave config (platform/measure.ts). */
  measurement: Hex
  protocolVersion: number
  coreAbiVersion: number
  files: { core: { bytes: number; sha256: Hex }; worker: { bytes: number; sha256: Hex } }
}

/** Reads `manifest.json` from an enclave build directory and checks its shape. */
export async function readEnclaveManifest(buildDir: string): Promise<EnclaveManifest> {
  const path = join(buildDir, 'manifest.json')
  let value: unknown
  try {
    value = JSON.parse(await readFile(path, 'utf8'))
  } catch (cause) {
    throw new Error(`No readable enclave manifest at ${path}; run \`npm run build:enclave\`.`, { cause })
  }
  const manifest = value as Partial<EnclaveManifest> | null
  if (
    manifest?.version !== 1 ||
    typeof manifest.measurement !== 'string' ||
    !/^0x[0-9a-f]{64}$/.test(manifest.measurement)
  )
    throw new Error(`The enclave manifest ${path} is malformed; run \`npm run build:enclave\` again.`)
  return manifest as EnclaveManifest
}
