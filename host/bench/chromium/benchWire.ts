/** What the Chromium bench page fetches from the Node bench: JSON has no bigint or bytes, so seq is a string and payload hex. */
import type { SimMachine } from '../../../enclave-wasm/platform/sim/createSimPlatform'
import { bytesToHex, hexToBytes } from 'viem'
import type { Address, Hex, LedgerInput } from '../../../enclave-wasm/protocol'

export type WireInput = Omit<LedgerInput, 'seq' | 'payload'> & { seq: string; payload: Hex }

/** The page's endpoints, /bench/<name>.json each. */
export type BenchData = {
  /** Everything the page needs to boot the enclave on the bench's machine and bind it from a sealed blob. */
  setup: { machine: SimMachine; chainId: string; ledger: Address; sealed: Hex }
  session: WireInput[]
  sealed: WireInput[]
}

/** The runs the page can time. */
export type BenchRun = Exclude<keyof BenchData, 'setup'>

/**
 * Inputs as JSON-safe objects.
 * @example
 * response.end(JSON.stringify(toWire(inputs)))
 */
export function toWire(inputs: LedgerInput[]): WireInput[] {
  return inputs.map((input) => ({ ...input, seq: input.seq.toString(), payload: bytesToHex(input.payload) }))
}

/**
 * The inverse of `toWire`.
 * @example
 * const inputs = fromWire(await (await fetch('/bench/session.json')).json())
 */
export function fromWire(inputs: WireInput[]): LedgerInput[] {
  return inputs.map((input) => ({ ...input, seq: BigInt(input.seq), payload: hexToBytes(input.payload) }))
}
