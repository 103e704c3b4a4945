/**
 * The session fast path with two real replicas: gas per confidential transfer at several batch sizes, and the replay
 * of 100,000 session commands into a fresh enclave (restarted from its sealed state, as after a crash).
 */
import { ledgerAbi } from '../../contracts/generated/ledger'
import { INPUT_KIND, type LedgerInput } from '../../enclave-wasm/protocol'
import { startNodeEnclave } from '../enclave/startNodeEnclave'
import { createWalletSession } from '../envelopes/createWalletSession'
import { readAccount } from '../envelopes/readAccount'
import { MAX_RECORDS_PER_BATCH } from '../ledger/constants'
import { readGroup } from '../ledger/readGroup'
import { AnonifyError } from '../errors/base'
import { appendBatches } from './appendBatches'
import { BENCH_DEADLINE, type BenchStack } from './benchStack'
import { measureBatches, type GasBySize } from './measureSealedPath'

export type SessionPathMeasures = {
  gasPerTransfer: GasBySize
  /** Commands per second inside the replay's ingest calls (tag lookup, ChaCha20-Poly1305 open, core apply). */
  applyRate: number
  /** Seconds from booting a fresh enclave from its sealed state to having applied all 100,000 commands. */
  replay100k_s: number
  /** The replay's inputs, which continue enclave 0's stream: the Chromium bench applies the same ones. */
  replay: { inputs: LedgerInput[]; commands: number }
}

const REPLAY_COMMANDS = 100_000
/** Inputs per ingest ECALL: large enough that the Worker round trip does not dominate. */
const INPUTS_PER_CALL = 16

export async function measureSessionPath(
  stack: BenchStack,
  onProgress?: (line: string) => void,
): Promise<SessionPathMeasures> {
  const { deployment, enclaves, machines, relayer, payers, payee } = stack
  const chainId = BigInt(deployment.chainId)
  const ledger = deployment.contracts.ledger
  onProgress?.(`bench: session path: ${payers.length} wallets each sign one session grant…`)
  const { epoch } = await readGroup(relayer.publicClient, { ledger })
  const sessions = payers.map((payer) =>
    createWalletSession({ chainId, ledger, epoch: Number(epoch), account: payer.address }),
  )
  for (let i = 0; i < payers.length; i += 64)
    await stack.post(
      await Promise.all(
        payers.slice(i, i + 64).map((payer, j) => stack.seal(payer, sessions[i + j]!.grant(BENCH_DEADLINE))),
      ),
    )
  await stack.syncAll()
  const transfer = { op: 'transfer', to: payee.address, amount: 1n } as const
  const sessionRecord = (i: number) =>
    sessions[i]!.seal({ nonce: stack.nextNonce(payers[i]!), deadlineBlock: BENCH_DEADLINE, command: transfer })

  onProgress?.('bench: session path: gas per confidential transfer at batch sizes 1, 16, 128…')
  const { gasPerTransfer } = await measureBatches(stack, stack.postSessions, async (size) =>
    payers.slice(0, size).map((_, i) => sessionRecord(i)),
  )

  onProgress?.(`bench: sealing ${REPLAY_COMMANDS.toLocaleString('en')} session commands for the replay…`)
  const payeeBalance = () =>
    readAccount(enclaves[0]!, {
      chainId,
      ledger,
      account: payee.address,
      signTypedData: (typedData) => payee.signTypedData(typedData),
    })
  const before = (await payeeBalance()).apps.token.balance
  const { seq } = await enclaves[0]!.getStatus()
  const acc = await relayer.publicClient.readContract({
    address: ledger,
    abi: ledgerAbi,
    functionName: 'accumulatorAt',
    args: [seq],
  })
  const block = await relayer.publicClient.getBlockNumber()
  const batches = Array.from({ length: Math.ceil(REPLAY_COMMANDS / MAX_RECORDS_PER_BATCH) }, (_, b) =>
    Array.from({ length: Math.min(MAX_RECORDS_PER_BATCH, REPLAY_COMMANDS - b * MAX_RECORDS_PER_BATCH) }, (_, k) =>
      sessionRecord((b * MAX_RECORDS_PER_BATCH + k) % payers.length),
    ),
  )
  const inputs = appendBatches({ seq, acc }, { kind: INPUT_KIND.sessionBatch, block, batches })
  const { blob } = await enclaves[0]!.seal()

  onProgress?.(`bench: replaying ${REPLAY_COMMANDS.toLocaleString('en')} session commands into a fresh enclave…`)
  const started = performance.now()
  const { client: fresh } = await startNodeEnclave({ machine: machines[0]! })
  try {
    await fresh.bind({ chainId, ledger, sealed: blob })
    let ingestMs = 0
    for (let i = 0; i < inputs.length; i += INPUTS_PER_CALL) {
      const at = performance.now()
      await fresh.ingest({ inputs: inputs.slice(i, i + INPUTS_PER_CALL) })
      ingestMs += performance.now() - at
    }
    const replay100k_s = (performance.now() - started) / 1000
    // A replay that refused its commands would be fast and worthless: every transfer must have reached the payee.
    const after = (
      await readAccount(fresh, {
        chainId,
        ledger,
        account: payee.address,
        signTypedData: (typedData) => payee.signTypedData(typedData),
      })
    ).apps.token.balance
    if (after - before !== BigInt(REPLAY_COMMANDS))
      throw new AnonifyError(`The replay applied ${after - before} of ${REPLAY_COMMANDS} session transfers.`, {
        metaMessages: ['The session path refused commands it should have applied.'],
      })
    return {
      gasPerTransfer,
      applyRate: Math.round((REPLAY_COMMANDS / ingestMs) * 1000),
      replay100k_s: Math.round(replay100k_s * 100) / 100,
      replay: { inputs, commands: REPLAY_COMMANDS },
    }
  } finally {
    await fresh.close()
  }
}
