import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { decodeAbiParameters, hexToBytes, keccak256, toHex, type Hex } from 'viem'
import { afterEach, describe, expect, it } from 'vitest'
import { createEnclaveClient, type EnclaveClient } from '../../../host/enclave/createEnclaveClient'
import { EnclaveRequestError } from '../../../host/errors/enclave'
import { ENCLAVE_ERROR_CODES } from '../../protocol'
import { ENCLAVE_SIGNER_ID, launchEnclave } from '../launchEnclave'
import { ENCLAVE_BUILD_DIR, startNodeWorker } from '../launchNodeEnclave'
import type { LaunchRecord } from '../teePlatform'
import { createSimMachine, createSimPlatform, type SimMachine } from './createSimPlatform'
import { BODY_OFFSETS, QUOTE_HEADER_BYTES } from './simQuote'

const aLaunch = (overrides: Partial<LaunchRecord> = {}): LaunchRecord => ({
  measurement: hexToBytes(keccak256(toHex('measurement A'))),
  signerId: ENCLAVE_SIGNER_ID,
  productId: 1,
  svn: 1,
  debug: false,
  ...overrides,
})
const keyId = new TextEncoder().encode('test')
const LEDGER = '0x5FbDB2315678afecb367f032d93F642f64180aa3'

const clients: EnclaveClient[] = []
afterEach(async () => Promise.all(clients.splice(0).map((c) => c.close())))

/** Boots the built image (or a variant of its worker) on `machine`. */
async function boot(machine: SimMachine, patchWorker = false) {
  const [core, worker] = await Promise.all(
    ['core.wasm', 'worker.js'].map(async (f) => new Uint8Array(await readFile(join(ENCLAVE_BUILD_DIR, f)))),
  )
  const image = patchWorker ? new Uint8Array([...worker!, 0x0a]) : worker!
  const { transport } = await launchEnclave({
    core: core!,
    worker: image,
    start: startNodeWorker,
    platform: createSimPlatform(machine),
  })
  const client = createEnclaveClient({ transport })
  clients.push(client)
  return client
}

describe('SimPlatform', () => {
  it('derives seal keys bound to the machine and, under the measurement policy, to the measurement', async () => {
    const [m1, m2] = [await createSimMachine(), await createSimMachine()]
    const p1 = createSimPlatform(m1)
    const key = p1.sealKey(aLaunch(), 'measurement', keyId)
    expect(p1.sealKey(aLaunch(), 'measurement', keyId)).toEqual(key)
    expect(createSimPlatform(m2).sealKey(aLaunch(), 'measurement', keyId)).not.toEqual(key)
    const upgraded = aLaunch({ measurement: hexToBytes(keccak256(toHex('measurement B'))) })
    expect(p1.sealKey(upgraded, 'measurement', keyId)).not.toEqual(key)
    // The signer policy follows the author across versions, as MRSIGNER sealing does.
    expect(p1.sealKey(upgraded, 'signer', keyId)).toEqual(p1.sealKey(aLaunch(), 'signer', keyId))
  })

  it('lays quotes out as DCAP v4: version, TEE type, measurement and report data at their offsets', async () => {
    const launch = aLaunch({ debug: true })
    const reportData = new Uint8Array(64).map((_, i) => i)
    const evidence = await createSimPlatform(await createSimMachine()).quote(launch, reportData)
    const [quote] = decodeAbiParameters([{ type: 'bytes' }], toHex(evidence))
    const bytes = hexToBytes(quote as Hex)
    expect(bytes.byteLength).toBe(48 + 384)
    expect(bytes[0]).toBe(4)
    expect(new TextDecoder().decode(bytes.slice(4, 7))).toBe('SIM')
    const body = QUOTE_HEADER_BYTES
    expect(bytes.slice(body + BODY_OFFSETS.mrEnclave, body + BODY_OFFSETS.mrEnclave + 32)).toEqual(launch.measurement)
    expect(bytes[body + BODY_OFFSETS.attributes]! & 0x02).toBe(0x02)
    expect(bytes.slice(body + BODY_OFFSETS.reportData)).toEqual(reportData)
  })

  it('lets the same image on the same machine unseal its state, and nobody else', { timeout: 30_000 }, async () => {
    const machine = await createSimMachine()
    const original = await boot(machine)
    await original.bind({ chainId: 31337n, ledger: LEDGER, sealed: undefined })
    await original.attest({ operator: LEDGER, anchorHash: keccak256('0x01') })
    const { blob } = await original.seal()

    const sameMachine = await boot(machine)
    await sameMachine.bind({ chainId: 31337n, ledger: LEDGER, sealed: blob })
    expect((await sameMachine.getStatus()).signer).toBe((await original.getStatus()).signer)

    // Another machine, another measurement, another deployment.
    const attempts: [SimMachine, boolean, bigint][] = [
      [await createSimMachine(), false, 31337n],
      [machine, true, 31337n],
      [machine, false, 1n],
    ]
    for (const [onMachine, patched, chainId] of attempts) {
      const error = await (await boot(onMachine, patched))
        .bind({ chainId, ledger: LEDGER, sealed: blob })
        .catch((e: unknown) => e)
      expect(error).toBeInstanceOf(EnclaveRequestError)
      expect((error as EnclaveRequestError).code).toBe(ENCLAVE_ERROR_CODES.rejected)
    }
  })
})
