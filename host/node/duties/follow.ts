/**
 * Following the chain: reads the Ledger's final inputs after the enclave's position and ingests them in bounded
 * chunks, sealing as it goes.
 */
import { MAX_INPUTS_PER_INGEST, type EnclaveStatus } from '../../../enclave-wasm/protocol'
import { readInputs } from '../../ledger/readInputs'
import { ingestChunks } from '../ingestChunks'
import type { DutyContext } from './dutyContext'

/** Per ingest call: small enough that a catch-up reports progress often and each call ends well within the enclave
 * client's timeout (~1 s of signature checks at most), large enough to amortise the ECALL. */
const INGEST_BOUNDS = { maxInputs: Math.min(100, MAX_INPUTS_PER_INGEST), maxBytes: 256 * 1024 }

export function createFollow(
  { enclave, clients, deployment, onEvent, save }: Omit<DutyContext, 'follow'>,
  saveIntervalMs: number,
): () => Promise<EnclaveStatus> {
  // Where the next read of the Ledger starts: advanced only after what was read has been applied, so each poll reads
  // new blocks instead of the whole history. A restart scans once from the deployment block.
  let fromBlock = BigInt(deployment.deployBlock)
  return async () => {
    let status = await enclave.getStatus()
    // Only final blocks: an input applied from a block a reorg drops would leave this replica off the chain for good.
    const { inputs, toBlock } = await readInputs(clients.publicClient, {
      ledger: deployment.contracts.ledger,
      afterSeq: status.seq,
      fromBlock,
      finality: deployment.finality,
    })
    const target = inputs.at(-1)?.seq ?? status.seq
    let savedAt = performance.now()
    let waiting = false
    for (const chunk of ingestChunks(inputs, INGEST_BOUNDS)) {
      const { seq } = await enclave.ingest({ inputs: chunk })
      // A restoring enclave stops where it must restore; the rest is read again once it has.
      waiting = seq < chunk.at(-1)!.seq
      if (waiting) break
      // A long catch-up is sealed as it goes: a crash or a reload mid-way resumes here, not from the start.
      if (performance.now() - savedAt >= saveIntervalMs && seq < target) {
        await save()
        savedAt = performance.now()
      }
      onEvent?.({ type: 'syncing', seq, target })
    }
    if (!waiting) fromBlock = toBlock + 1n
    if (inputs.length > 0) {
      await save()
      status = await enclave.getStatus()
      onEvent?.({ type: 'synced', seq: status.seq, applied: inputs.length })
    }
    return status
  }
}
