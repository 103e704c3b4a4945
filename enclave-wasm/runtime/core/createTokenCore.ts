/** Drives core.wasm: copies bytes into its input buffer, calls an export, reads its output. Inside the Worker only. */
import { bytesToHex, getAddress, hexToBytes, type Address } from 'viem'
import { CORE_INPUT_BYTES, FAIL_MALFORMED } from '../../shared/constants'
import type { CoreExports } from '../coreExports'

export type AccountView = { balance: bigint; nonce: bigint }
export type TokenView = { issuer: Address | undefined; totalSupply: bigint }

/** The token state machine over one core instance. */
export function createTokenCore(core: CoreExports) {
  const input = core.inputPtr()
  const output = core.outputPtr()
  const memory = () => new Uint8Array(core.memory.buffer)
  const read = (length: number) => memory().slice(output, output + length)
  const readU128 = (bytes: Uint8Array, at: number) => {
    const view = new DataView(bytes.buffer, bytes.byteOffset)
    return (view.getBigUint64(at) << 64n) | view.getBigUint64(at + 8)
  }

  return {
    /** Applies one encoded command; returns 0 or the deterministic failure code. */
    apply(command: Uint8Array): number {
      if (command.byteLength > CORE_INPUT_BYTES) return FAIL_MALFORMED
      memory().set(command, input)
      return core.apply(command.byteLength)
    },
    account(address: Address): AccountView {
      memory().set(hexToBytes(address), input)
      const bytes = read(core.queryAccount())
      return { balance: readU128(bytes, 0), nonce: new DataView(bytes.buffer).getBigUint64(16) }
    },
    allowance(owner: Address, spender: Address): bigint {
      memory().set(hexToBytes(owner), input)
      memory().set(hexToBytes(spender), input + 20)
      return readU128(read(core.queryAllowance()), 0)
    },
    token(): TokenView {
      const bytes = read(core.queryToken())
      return {
        issuer: bytes[0] === 1 ? getAddress(bytesToHex(bytes.slice(1, 21))) : undefined,
        totalSupply: readU128(bytes, 21),
      }
    },
    /** The whole state as one canonical byte string. */
    exportSnapshot(): Uint8Array {
      const length = core.snapshotExport()
      const at = core.snapshotPtr()
      return memory().slice(at, at + length)
    },
    /** Replaces the state with `snapshot`; returns 0, or FAIL_MALFORMED and keeps the old state. */
    importSnapshot(snapshot: Uint8Array): number {
      const at = core.snapshotStage(snapshot.byteLength)
      memory().set(snapshot, at)
      return core.snapshotImport()
    },
  }
}

export type TokenCore = ReturnType<typeof createTokenCore>
