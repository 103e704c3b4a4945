/** `anonify bench`: measures the product on this machine and prints one object; `--json` field names are stable. */
import { cpus } from 'node:os'
import { measureGroupGas } from '../../host/bench/measureGroupGas'
import { defineCommand } from '../command'
import { buildArtifacts } from './stack'

export const benchCommand = defineCommand({
  name: 'bench',
  summary: 'Measure gas (register, rekey with 3 members) on a private anvil and print the results (--json for scripts)',
  usage: ['anonify bench [--json]'],
  options: { json: { type: 'boolean' } },
  async run(values) {
    // Progress goes to stderr so stdout stays one JSON object.
    const log = (line: string) => process.stderr.write(`${line}\n`)
    const measurement = await quietly(values.json === true, buildArtifacts)
    log('bench: three enclave members form a group on a private anvil…')
    const gas = await measureGroupGas({ measurement })
    const result = {
      gas,
      machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', node: process.version },
    }
    if (values.json) console.log(JSON.stringify(result, null, 2))
    else console.log(`Gas: register ${gas.register}, rekey with 3 members ${gas.rekey3}`)
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
