/**
 * The Chromium bench page: boots the real enclave Worker from /enclave/ on the bench's simulated machine, binds it
 * from the sealed blob of a Node enclave and times only the ingest ECALLs. The Node bench drives it through
 * `window.anonifyBench` and checks the result through relayed authenticated reads.
 */
import { hexToBytes } from 'viem'
import type { EnclaveClient } from '../../enclave/createEnclaveClient'
import { startBrowserEnclave } from '../../enclave/startBrowserEnclave'
import { fromWire, type BenchData, type BenchRun } from './benchWire'

/** The page's API, one call per step so that fetching and decoding inputs stays outside the timed region. */
export type BenchPageApi = {
  /** Boots and binds the enclave. */
  start: () => Promise<void>
  /** Applies `run`'s inputs `inputsPerCall` at a time; returns the milliseconds spent inside ingest. */
  ingest: (run: BenchRun, inputsPerCall: number) => Promise<number>
  readAccount: EnclaveClient['readAccount']
}

declare global {
  interface Window {
    anonifyBench: BenchPageApi
  }
}

let client: EnclaveClient | undefined

function enclave(): EnclaveClient {
  if (!client) throw new Error('anonifyBench.start() has not run')
  return client
}

async function fetchJson<T>(path: string): Promise<T> {
  const response = await fetch(path)
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`)
  return (await response.json()) as T
}

window.anonifyBench = {
  async start() {
    const { machine, chainId, ledger, sealed } = await fetchJson<BenchData['setup']>('/bench/setup.json')
    client = (await startBrowserEnclave({ baseUrl: '/enclave/', machine })).client
    await client.bind({ chainId: BigInt(chainId), ledger, sealed: hexToBytes(sealed) })
  },
  async ingest(run, inputsPerCall) {
    const inputs = fromWire(await fetchJson<BenchData[BenchRun]>(`/bench/${run}.json`))
    let ingestMs = 0
    for (let i = 0; i < inputs.length; i += inputsPerCall) {
      const at = performance.now()
      await enclave().ingest({ inputs: inputs.slice(i, i + inputsPerCall) })
      ingestMs += performance.now() - at
    }
    return ingestMs
  },
  async readAccount(params) {
    return enclave().readAccount(params)
  },
}
