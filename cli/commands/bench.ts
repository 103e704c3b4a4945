/** `anonify bench`: measures the product on this machine and prints one object; `--json` field names are stable. */
import { cpus } from 'node:os'
import { measureCommandPath } from '../../host/bench/measureCommandPath'
import { measureGroupGas } from '../../host/bench/measureGroupGas'
import { defineCommand } from '../command'
import { buildArtifacts } from './stack'

export const benchCommand = defineCommand({
  name: 'bench',
  summary: 'Measure gas, apply rate and latency on a private anvil with real enclaves (--json for scripts)',
  usage: ['anonify bench [--json]'],
  options: { json: { type: 'boolean' } },
  async run(values) {
    // Progress goes to stderr so stdout stays one JSON object.
    const log = (line: string) => process.stderr.write(`${line}\n`)
    const measurement = await quietly(values.json === true, buildArtifacts)
    log('bench: three enclave members form a group on a private anvil…')
    const gas = await measureGroupGas({ measurement })
    log('bench: two replicas apply sealed commands on a private anvil…')
    const commands = await measureCommandPath({ measurement, onProgress: log })
    const result = {
      gas,
      ...commands,
      // Not measured yet: the session fast path and the 100k replay arrive with session commands.
      replay100k_s: null,
      machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', node: process.version },
    }
    if (values.json) console.log(JSON.stringify(result, null, 2))
    else
      console.log(
        [
          `Gas: register ${gas.register}, rekey with 3 members ${gas.rekey3}`,
          `Gas per confidential transfer: batch 1 ${commands.gasPerTransfer.batch1}, 16 ${commands.gasPerTransfer.batch16}, 128 ${commands.gasPerTransfer.batch128}`,
          `Apply rate (sealed path, one enclave): ${commands.applyRate.sealed} commands/s`,
          `Latency submit -> visible on two replicas: p50 ${commands.latency_ms.p50} ms, p95 ${commands.latency_ms.p95} ms`,
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
