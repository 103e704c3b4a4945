/**
 * Keeps a simulated machine in a file, so a node restarted on "the same machine" can unseal its state.
 * A real platform secret never leaves the CPU; here it is a file: simulation gives no hardware protection.
 */
import { existsSync } from 'node:fs'
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import { createSimMachine, type SimMachine } from './createSimPlatform'
import { parseSimMachine } from './parseSimMachine'

/** Loads the machine stored at `path`, or provisions one and stores it there (mode 0600). */
export async function loadOrCreateSimMachine(path: string): Promise<SimMachine> {
  if (existsSync(path)) return parseSimMachine(JSON.parse(await readFile(path, 'utf8')), path)
  const machine = await createSimMachine()
  await mkdir(dirname(path), { recursive: true })
  const temp = `${path}.tmp`
  await writeFile(temp, JSON.stringify(machine, null, 2), { mode: 0o600 })
  await rename(temp, path)
  return machine
}

