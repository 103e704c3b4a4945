/**
 * The privileged channel between an enclave and its platform (EREPORT/EGETKEY in SGX terms). The loader hands the
 * Worker one end at boot and serves the other; host code never holds either end, so it cannot ask for quotes or
 * seal keys in the enclave's name.
 */
import { REPORT_DATA_BYTES, type LaunchRecord, type SealPolicy, type TeePlatform } from './teePlatform'

type PlatformCall = { op: 'quote'; reportData: Uint8Array } | { op: 'sealKey'; policy: SealPolicy; keyId: Uint8Array }

export type PlatformRequest = PlatformCall & { id: number }

export type PlatformResponse = { id: number; ok: true; bytes: Uint8Array } | { id: number; ok: false; message: string }

/** Answers the enclave's requests on `port` for the enclave the platform launched as `launch`. */
export function servePlatform(port: MessagePort, platform: TeePlatform, launch: LaunchRecord): void {
  port.onmessage = async (event: MessageEvent) => {
    const request = event.data as Partial<PlatformRequest> | null
    const id = typeof request?.id === 'number' ? request.id : -1
    try {
      let bytes: Uint8Array
      if (
        request?.op === 'quote' &&
        request.reportData instanceof Uint8Array &&
        request.reportData.byteLength === REPORT_DATA_BYTES
      )
        bytes = await platform.quote(launch, request.reportData)
      else if (
        request?.op === 'sealKey' &&
        (request.policy === 'measurement' || request.policy === 'signer') &&
        request.keyId instanceof Uint8Array &&
        request.keyId.byteLength <= 64
      )
        bytes = platform.sealKey(launch, request.policy, request.keyId)
      else throw new Error('malformed platform request')
      port.postMessage({ id, ok: true, bytes } satisfies PlatformResponse)
    } catch (error) {
      port.postMessage({ id, ok: false, message: (error as Error).message } satisfies PlatformResponse)
    }
  }
}

/** The enclave's side: `quote` and `sealKey` over the port it received at boot. */
export function createPlatformClient(port: MessagePort) {
  let nextId = 1
  const pending = new Map<number, { resolve: (bytes: Uint8Array) => void; reject: (error: Error) => void }>()
  port.onmessage = (event: MessageEvent) => {
    const response = event.data as PlatformResponse
    const entry = pending.get(response.id)
    if (!entry) return
    pending.delete(response.id)
    if (response.ok) entry.resolve(response.bytes)
    else entry.reject(new Error(`platform refused: ${response.message}`))
  }
  const request = (body: PlatformCall) =>
    new Promise<Uint8Array>((resolve, reject) => {
      const id = nextId++
      pending.set(id, { resolve, reject })
      port.postMessage({ ...body, id })
    })
  return {
    quote: (reportData: Uint8Array) => request({ op: 'quote', reportData }),
    sealKey: (policy: SealPolicy, keyId: Uint8Array) => request({ op: 'sealKey', policy, keyId }),
  }
}

export type PlatformClient = ReturnType<typeof createPlatformClient>
