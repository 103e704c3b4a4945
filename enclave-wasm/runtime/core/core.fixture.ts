/** Test builders over the compiled core: fresh instances, named accounts and a sender that tracks nonces. */
import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { getAddress, keccak256, toHex, type Address } from 'viem'
import { encodeCoreCommand, type CoreCommand } from '../../envelopes/coreCommands'
import type { CoreExports } from '../coreExports'
import { startCore } from '../startCore'
import { createCore, type ApplyResult, type Core } from './createCore'

// The build's core.wasm (platform/launchNodeEnclave names the folder, but runtime code may not import the platform).
const CORE_WASM = fileURLToPath(new URL('../../build/core.wasm', import.meta.url))
let wasm: Promise<Uint8Array> | undefined

/** A fresh instance of the built core.wasm, through the Worker's own loader: its raw exports. */
export async function coreExports(): Promise<CoreExports> {
  wasm ??= readFile(CORE_WASM).then((bytes) => new Uint8Array(bytes))
  return startCore(await wasm)
}

/** A fresh core on the built core.wasm. */
export async function aCore(): Promise<Core> {
  return createCore(await coreExports())
}

/** A deterministic address for `name`. */
export const anAddress = (name: string): Address => getAddress(keccak256(toHex(name)).slice(0, 42))

/** Sends commands at `block` with each caller's next nonce, as a wallet would. */
export function sender(core: Core) {
  return (caller: Address, command: CoreCommand, block = 10n, nonce = core.nonce(caller)): ApplyResult =>
    core.apply(encodeCoreCommand(caller, nonce, command), block)
}

/** A seeded linear congruential generator: the same seed, the same run. High bits only: the low ones cycle. */
export function seededRandom(seed: number) {
  return (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31
    return (seed >>> 15) % n
  }
}

/** Golden vectors' JSON holds u64/u128 values as decimal strings ending in `n`, at any depth. */
export function reviveBigints<value>(json: unknown): value {
  if (typeof json === 'string' && /^\d+n$/.test(json)) return BigInt(json.slice(0, -1)) as value
  if (Array.isArray(json)) return json.map((item) => reviveBigints(item)) as value
  if (json !== null && typeof json === 'object')
    return Object.fromEntries(Object.entries(json).map(([key, item]) => [key, reviveBigints(item)])) as value
  return json as value
}
