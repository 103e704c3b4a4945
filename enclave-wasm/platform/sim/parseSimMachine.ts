/** Checks a stored simulated machine (from a file or IndexedDB) before it is trusted as this machine. */
import { isHex } from 'viem'
import type { SimMachine } from './createSimPlatform'

/** Returns `value` as a machine, or throws naming `where` it came from. */
export function parseSimMachine(value: unknown, where: string): SimMachine {
  const machine = value as Partial<SimMachine> | null
  const hex = (v: unknown, bytes: number) => typeof v === 'string' && isHex(v) && v.length === 2 + 2 * bytes
  if (
    !machine ||
    !hex(machine.platformSecret, 32) ||
    !hex(machine.platformKey, 32) ||
    !hex(machine.platformId, 16) ||
    !hex(machine.certSig, 65) ||
    typeof machine.tcbStatus !== 'number'
  )
    throw new Error(`The simulated machine in ${where} is malformed; remove it to provision a new machine.`)
  return machine as SimMachine
}
