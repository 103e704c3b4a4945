/**
 * The enclave's apply rate inside Chromium: the real enclave Worker, booted in headless Chromium on enclave 0's
 * simulated machine and bound from its sealed state, applies the session replay the Node bench applied, then sealed
 * transfers continuing the same stream. Each run is checked to have reached the payee through an authenticated read.
 */
import { bytesToHex } from 'viem'
import { INPUT_KIND } from '../../enclave-wasm/protocol'
import type { EnclaveClient } from '../enclave/createEnclaveClient'
import { readAccount } from '../envelopes/readAccount'
import { AnonifyError } from '../errors/base'
import { appendBatches } from './appendBatches'
import type { BenchStack } from './benchStack'
import { toWire, type BenchRun } from './chromium/benchWire'
import { serveBenchPage } from './chromium/serveBenchPage'
import { withChromiumPage } from './chromium/withChromiumPage'
import type { SessionPathMeasures } from './measureSessionPath'

export type ChromiumPathMeasures = {
  /** Session commands per second inside the ingest calls, as `applyRate.session` in Node. */
  session: number
  /** Sealed commands per second inside the ingest calls, as `applyRate.sealed` in Node. */
  sealed: number
}

/** Sealed batches of one transfer per payer: a few hundred records, enough to time and quick to sign. */
const SEALED_BATCHES = 2
/** As the Node replay: 16 session batches per ingest call, one sealed batch per call as the follower sends them. */
const INPUTS_PER_CALL: Record<BenchRun, number> = { session: 16, sealed: 1 }

/** Runs the measurement after `measureSessionPath`, whose replay starts from enclave 0's current state. */
export async function measureChromiumPath(
  stack: BenchStack,
  replay: SessionPathMeasures['replay'],
  onProgress?: (line: string) => void,
): Promise<ChromiumPathMeasures> {
  const { deployment, enclaves, machines, relayer, payers, payee } = stack
  const chainId = BigInt(deployment.chainId)
  const ledger = deployment.contracts.ledger
  onProgress?.(`bench: Chromium: sealing ${SEALED_BATCHES * payers.length} transfers to follow the replay…`)
  // The replay used the payers' next nonces, so these continue after it, as its last input continues the stream.
  const transfer = { op: 'transfer', to: payee.address, amount: 1n } as const
  const batches: Uint8Array[][] = []
  for (let b = 0; b < SEALED_BATCHES; b++)
    batches.push(await Promise.all(payers.map((payer) => stack.seal(payer, transfer))))
  const block = await relayer.publicClient.getBlockNumber()
  const sealedInputs = appendBatches(replay.inputs.at(-1)!, { kind: INPUT_KIND.commandBatch, block, batches })
  const payeeBalance = (enclave: Pick<EnclaveClient, 'readAccount'>) =>
    readAccount(enclave, {
      chainId,
      ledger,
      account: payee.address,
      signTypedData: (typedData) => payee.signTypedData(typedData),
    })
  let balance = (await payeeBalance(enclaves[0]!)).apps.token.balance
  const { blob } = await enclaves[0]!.seal()

  const server = await serveBenchPage({
    setup: { machine: machines[0]!, chainId: chainId.toString(), ledger, sealed: bytesToHex(blob) },
    session: toWire(replay.inputs),
    sealed: toWire(sealedInputs),
  })
  try {
    return await withChromiumPage(server.url, async (page) => {
      onProgress?.('bench: Chromium: booting the enclave Worker from its sealed state…')
      await page.evaluate(() => window.anonifyBench.start())
      // The page only relays the read: the payee signs it here and opens the reply sealed to its one-time key.
      const relay = {
        readAccount: (params: Parameters<EnclaveClient['readAccount']>[0]) =>
          page.evaluate((p) => window.anonifyBench.readAccount(p), params),
      }
      const rate = async (run: BenchRun, commands: number) => {
        onProgress?.(`bench: Chromium: applying ${commands.toLocaleString('en')} ${run} commands…`)
        const ms = await page.evaluate(([r, perCall]) => window.anonifyBench.ingest(r, perCall), [
          run,
          INPUTS_PER_CALL[run],
        ] as const)
        // A run that refused its commands would be fast and worthless: every transfer must have reached the payee.
        const before = balance
        balance = (await payeeBalance(relay)).apps.token.balance
        if (balance - before !== BigInt(commands))
          throw new AnonifyError(`Chromium applied ${balance - before} of ${commands} ${run} transfers.`, {
            metaMessages: [`The enclave in Chromium refused ${run} commands that it should have applied.`],
          })
        return Math.round((commands / ms) * 1000)
      }
      return {
        session: await rate('session', replay.commands),
        sealed: await rate('sealed', SEALED_BATCHES * payers.length),
      }
    })
  } finally {
    await server.stop()
  }
}
