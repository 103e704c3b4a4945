/**
 * The sealed command path with two real replicas: gas per confidential transfer at several batch sizes, the
 * enclave's apply rate, and the latency from submission to visible on both replicas.
 */
import { readAccount } from '../envelopes/readAccount'
import { readInputs } from '../ledger/readInputs'
import type { BenchStack } from './benchStack'

export type GasBySize = { batch1: number; batch16: number; batch128: number }

export type SealedPathMeasures = {
  gasPerTransfer: GasBySize
  /** Commands applied per second by one enclave (records opened, signatures recovered, core applied). */
  applyRate: number
  latency_ms: { p50: number; p95: number }
}

export const BATCH_SIZES = [1, 16, 128] as const
const LATENCY_SAMPLES = 20

/** Posts `records(size)` at each batch size, has the first replica ingest each batch; returns gas per record and the apply rate. */
export async function measureBatches(
  stack: BenchStack,
  post: (records: Uint8Array[]) => Promise<{ gasUsed: bigint }>,
  records: (size: number) => Promise<Uint8Array[]>,
) {
  const { deployment, enclaves, relayer } = stack
  const gas: number[] = []
  let applied = 0
  let applyMs = 0
  for (const size of BATCH_SIZES) {
    const receipt = await post(await records(size))
    gas.push(Math.round(Number(receipt.gasUsed) / size))
    // Timed around the ECALL only: the follower's RPC reads are not the enclave's work.
    const { seq } = await enclaves[0]!.getStatus()
    const { inputs } = await readInputs(relayer.publicClient, {
      ledger: deployment.contracts.ledger,
      afterSeq: seq,
      fromBlock: BigInt(deployment.deployBlock),
    })
    const started = performance.now()
    await enclaves[0]!.ingest({ inputs })
    applyMs += performance.now() - started
    applied += size
    await stack.syncAll()
  }
  return {
    gasPerTransfer: { batch1: gas[0]!, batch16: gas[1]!, batch128: gas[2]! },
    applyRate: Math.round((applied / applyMs) * 1000),
  }
}

/** Runs the measurement; `onProgress` receives one line per phase. */
export async function measureSealedPath(
  stack: BenchStack,
  onProgress?: (line: string) => void,
): Promise<SealedPathMeasures> {
  const { deployment, enclaves, payers, payee } = stack
  onProgress?.('bench: sealed path: gas per confidential transfer at batch sizes 1, 16, 128…')
  const transfer = { op: 'transfer', to: payee.address, amount: 1n } as const
  const { gasPerTransfer, applyRate } = await measureBatches(stack, stack.post, (size) =>
    Promise.all(payers.slice(0, size).map((p) => stack.seal(p, transfer))),
  )

  onProgress?.(`bench: latency from submission to visible on both replicas (${LATENCY_SAMPLES} transfers)…`)
  const latencies: number[] = []
  const payer = payers[0]!
  for (let i = 0; i < LATENCY_SAMPLES; i++) {
    const record = await stack.seal(payer, transfer)
    const started = performance.now()
    await stack.post([record])
    await stack.syncAll()
    await Promise.all(
      enclaves.map((enclave) =>
        readAccount(enclave, {
          chainId: BigInt(deployment.chainId),
          ledger: deployment.contracts.ledger,
          account: payer.address,
          signTypedData: (typedData) => payer.signTypedData(typedData),
        }),
      ),
    )
    latencies.push(performance.now() - started)
  }
  latencies.sort((a, b) => a - b)
  return {
    gasPerTransfer,
    applyRate,
    latency_ms: {
      p50: Math.round(latencies[Math.floor(LATENCY_SAMPLES / 2)]!),
      p95: Math.round(latencies[Math.floor(LATENCY_SAMPLES * 0.95)]!),
    },
  }
}
