import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import asc from 'assemblyscript/asc'
import { afterEach, describe, expect, it } from 'vitest'
import { createEnclaveClient, type EnclaveClient } from '../../host/enclave/createEnclaveClient'
import { EnclaveCrashedError, EnclaveRequestError } from '../../host/errors/enclave'
import { ENCLAVE_ERROR_CODES } from '../protocol'
import { ForbiddenCoreImportError } from './checkCoreImports'
import { launchEnclave } from './launchEnclave'
import { ENCLAVE_BUILD_DIR, launchNodeEnclave, startNodeWorker } from './launchNodeEnclave'
import { readEnclaveManifest } from './manifest'
import { createSimMachine, createSimPlatform } from './sim/createSimPlatform'

const clients: EnclaveClient[] = []
const aPlatform = async () => createSimPlatform(await createSimMachine())
async function bootBuiltEnclave() {
  const launched = await launchNodeEnclave({ platform: await aPlatform() })
  const client = createEnclaveClient({ transport: launched.transport, timeoutMs: 5_000 })
  clients.push(client)
  return { ...launched, client }
}
afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()))
})

describe('launchNodeEnclave', () => {
  it('boots the built image and reports the measurement the build wrote to the manifest', async () => {
    const manifest = await readEnclaveManifest(ENCLAVE_BUILD_DIR)
    const { client, measurement } = await bootBuiltEnclave()
    const status = await client.getStatus()
    expect(measurement).toBe(manifest.measurement)
    expect(status).toMatchObject({
      booted: true,
      protocolVersion: manifest.protocolVersion,
      coreAbiVersion: manifest.coreAbiVersion,
      measurement: manifest.measurement,
      platform: 'simulation',
      bound: false,
      member: false,
    })
  })

  it('error: rejects a method outside the ECALL table as unknownMethod and keeps serving', async () => {
    const { client } = await bootBuiltEnclave()
    const error = await client.request('readKeys' as never, undefined as never).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(EnclaveRequestError)
    expect((error as EnclaveRequestError).code).toBe(ENCLAVE_ERROR_CODES.unknownMethod)
    await expect(client.getStatus()).resolves.toMatchObject({ booted: true })
  })

  it('error: rejects malformed params as invalidRequest', async () => {
    const { client } = await bootBuiltEnclave()
    const error = await client.request('getStatus', { dump: true } as never).catch((e: unknown) => e)
    expect((error as EnclaveRequestError).code).toBe(ENCLAVE_ERROR_CODES.invalidRequest)
  })

  it('error: rejects an input whose payload is hex (protocol 1) or a view of shared memory as invalidRequest, and keeps serving', async () => {
    const { client } = await bootBuiltEnclave()
    const input = { seq: 1n, kind: 7, acc: `0x${'00'.repeat(32)}` }
    for (const payload of ['0x0000000000000001', new Uint8Array(new SharedArrayBuffer(8))]) {
      const error = await client
        .request('ingest', { inputs: [{ ...input, payload } as never] })
        .catch((e: unknown) => e)
      expect((error as EnclaveRequestError).code, String(payload)).toBe(ENCLAVE_ERROR_CODES.invalidRequest)
    }
    await expect(client.getStatus()).resolves.toMatchObject({ booted: true })
  })

  it('error: fails pending and later requests with EnclaveCrashedError once the Worker is gone', async () => {
    const { client } = await bootBuiltEnclave()
    await client.close()
    await expect(client.getStatus()).rejects.toBeInstanceOf(EnclaveCrashedError)
  })
})

describe('launchEnclave', () => {
  it('error: refuses a core that imports Math.random before any Worker starts', async () => {
    const { binary, stderr } = await asc.compileString('export function roll(): f64 { return Math.random() }', {
      optimizeLevel: 0,
      runtime: 'minimal',
    })
    expect(binary, stderr.toString()).not.toBeNull()
    const worker = await readFile(join(ENCLAVE_BUILD_DIR, 'worker.js'))
    let started = false
    const launch = launchEnclave({
      core: binary as Uint8Array,
      worker: new Uint8Array(worker),
      start: () => {
        started = true
        throw new Error('must not start')
      },
      platform: await aPlatform(),
    })
    await expect(launch).rejects.toBeInstanceOf(ForbiddenCoreImportError)
    await expect(launch).rejects.toThrow(/env\.seed/)
    expect(started).toBe(false)
  })

  it('measures a different image differently: one changed worker byte changes mrEnclave', async () => {
    const { measurement } = await bootBuiltEnclave()
    const [core, worker] = await Promise.all(
      ['core.wasm', 'worker.js'].map(async (file) => new Uint8Array(await readFile(join(ENCLAVE_BUILD_DIR, file)))),
    )
    const patched = new Uint8Array([...worker!, 0x0a])
    const launched = await launchEnclave({
      core: core!,
      worker: patched,
      start: startNodeWorker,
      platform: await aPlatform(),
    })
    const client = createEnclaveClient({ transport: launched.transport })
    clients.push(client)
    expect(launched.measurement).not.toBe(measurement)
    expect((await client.getStatus()).measurement).toBe(launched.measurement)
  })
})
