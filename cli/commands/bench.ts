/** `anonify bench`: measures the product on this machine and prints one object; `--json` field names are stable. */
import { cpus } from 'node:os'
import { startBenchStack } from '../../host/bench/benchStack'
import { measureCheckpointGas } from '../../host/bench/measureCheckpointGas'
import { measureChromiumPath } from '../../host/bench/measureChromiumPath'
import { measureGroupGas } from '../../host/bench/measureGroupGas'
import { measureJoinRestore } from '../../host/bench/measureJoinRestore'
import { measureLightReads } from '../../host/bench/measureLightReads'
import { measurePublicTransfer } from '../../host/bench/measurePublicTransfer'
import { measureSealedPath } from '../../host/bench/measureSealedPath'
import { measureSessionPath } from '../../host/bench/measureSessionPath'
import { defineCommand } from '../command'
import { buildArtifacts } from '../artifacts'

export const benchCommand = defineCommand({
  usage: ['anonify bench [--json]'],
  options: { json: { type: 'boolean' } },
  async run(values) {
    // Progress goes to stderr so stdout stays one JSON object.
    const log = (line: string) => process.stderr.write(`${line}\n`)
    const measurement = await quietly(values.json === true, buildArtifacts)
    log('bench: three enclave members form a group on a private anvil…')
    const groupGas = await measureGroupGas({ measurement })
    log('bench: checkpoints signed by 2 of 3 and 5 of 9 members on a private anvil…')
    const gas = { ...groupGas, ...(await measureCheckpointGas({ measurement })) }
    log('bench: two replicas, 128 funded wallets on a private anvil…')
    const stack = await startBenchStack({ measurement })
    const { publicGas, sealed, session, chromium, light } = await (async () => {
      try {
        const publicGas = await measurePublicTransfer(stack.relayer, stack.payee.address, stack.deployment.evmVersion)
        const sealed = await measureSealedPath(stack, log)
        const session = await measureSessionPath(stack, log)
        const chromium = await measureChromiumPath(stack, session.replay, log)
        return { publicGas, sealed, session, chromium, light: await measureLightReads(stack, log) }
      } finally {
        await stack.stop()
      }
    })()
    const joined = await measureJoinRestore(log)
    const commands = {
      // A confidential transfer at its cheapest: the session path. The sealed path (no session) is reported beside it.
      gasPerTransfer: session.gasPerTransfer,
      gasPerTransferSealed: sealed.gasPerTransfer,
      applyRate: { session: session.applyRate, sealed: sealed.applyRate },
      applyRateChromium: chromium,
      replay100k_s: session.replay100k_s,
      latency_ms: sealed.latency_ms,
    }
    // Measured on the same chain in this run: how many public ERC20 transfers one confidential transfer costs.
    const ratio = (confidential: number) => Math.round((confidential / publicGas.erc20Transfer) * 1000) / 1000
    const result = {
      gas: { ...gas, ...publicGas, lightUserOnboarding: light.lightUserOnboarding },
      reads: light.reads,
      gasRatioToErc20: {
        session128: ratio(commands.gasPerTransfer.batch128),
        sealed128: ratio(commands.gasPerTransferSealed.batch128),
      },
      ...commands,
      ...joined,
      machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', node: process.version },
    }
    if (values.json) console.log(JSON.stringify(result, null, 2))
    else
      console.log(
        [
          `Gas: register ${gas.register}, rekey with 3 members ${gas.rekey3} (+ ${gas.ack3} for the ack that settles it, or ${gas.rekeySettle} to settle it on its timeout), checkpoint with 2 signatures ${gas.checkpoint2} (with 5: ${gas.checkpoint5}), public ERC20 transfer ${publicGas.erc20Transfer} (to a new holder ${publicGas.erc20TransferToNewHolder})`,
          `Gas of one confidential transfer over one public ERC20 transfer, batch 128: session ${result.gasRatioToErc20.session128}, sealed ${result.gasRatioToErc20.sealed128}`,
          `Gas per confidential transfer (session path): batch 1 ${commands.gasPerTransfer.batch1}, 16 ${commands.gasPerTransfer.batch16}, 128 ${commands.gasPerTransfer.batch128}`,
          `Gas per confidential transfer (sealed path): batch 1 ${sealed.gasPerTransfer.batch1}, 16 ${sealed.gasPerTransfer.batch16}, 128 ${sealed.gasPerTransfer.batch128}`,
          `Apply rate (one enclave): session ${commands.applyRate.session} commands/s, sealed ${commands.applyRate.sealed} commands/s`,
          `Apply rate (one enclave in Chromium): session ${commands.applyRateChromium.session} commands/s, sealed ${commands.applyRateChromium.sealed} commands/s`,
          `Replay of 100,000 session commands into a fresh enclave: ${commands.replay100k_s} s`,
          `Latency submit -> visible on two replicas: p50 ${commands.latency_ms.p50} ms, p95 ${commands.latency_ms.p95} ms`,
          `Authenticated reads answered by one node: ${light.reads.perSecond}/s (${light.reads.verifiedPerSecond}/s with each checked against the chain); a light user's gas to read, send and see it applied: ${light.lightUserOnboarding}`,
          `A late joiner restoring 10,000 funded accounts (share opened -> caught up): ${joined.join.restore10k_s} s; snapshot ${joined.snapshot.bytesPerAccount} bytes per account`,
        ].join('\n'),
      )
    return 0
  },
})

/** Runs `task` with console.log sent to stderr when stdout must hold only JSON. */
async function quietly<T>(enabled: boolean, task: () => Promise<T>): Promise<T> {
  if (!enabled) return task()
  const write = process.stdout.write.bind(process.stdout)
  process.stdout.write = ((chunk: string | Uint8Array) => process.stderr.write(chunk)) as typeof process.stdout.write
  try {
    return await task()
  } finally {
    process.stdout.write = write
  }
}
