/** Drives core.wasm: copies bytes into its input buffer, calls an export, reads its output. Inside the Worker only. */
import { getAddress, hexToBytes, type Address } from 'viem'
import {
  APP_CORE,
  APP_IDENTITY,
  APP_TOKEN,
  CORE_INPUT_BYTES,
  CORE_QUERY_NONCE,
  EFFECT_BYTES,
  EFFECT_SENT,
  FAIL_MALFORMED,
} from '../../shared/constants'
import { IDENTITY_QUERY_ATTESTATION, IDENTITY_QUERY_ISSUER } from '../../shared/apps/identity'
import { TOKEN_QUERY_ALLOWANCE, TOKEN_QUERY_BALANCE, TOKEN_QUERY_TOKEN } from '../../shared/apps/token'
import { encodeReadRequest, type RuntimeHeldReply } from '../../envelopes/readReply'
import type { CoreExports } from '../coreExports'

export type AccountView = { balance: bigint; nonce: bigint }
export type TokenView = { issuer: Address | undefined; totalSupply: bigint; requiredAttributes: number }
export type AttestationView = { attributes: number; jurisdiction: number; expiresBlock: bigint }

/** One effect of an applied command (shared/constants.ts), addresses in lowercase. */
export type Effect = {
  kind: 'sent' | 'received'
  owner: Address
  app: number
  op: number
  counterparty: Address
  amount: bigint
}

/** What `apply` returns: 0 or a namespaced failure code, and the effects the command left. */
export type ApplyResult = { code: number; effects: Effect[] }

/** Thrown when the core refuses a query: a bug in this file, never a user's doing. */
export class CoreQueryError extends Error {
  override name = 'CoreQueryError' as const
}

const NO_EFFECTS: ApplyResult['effects'] = []

// Every applied command decodes its effects here (four addresses for a transfer): on the replay's hot path.
const HEX_BYTES = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'))
function addressAt(bytes: Uint8Array, at: number): Address {
  let hex = '0x'
  for (let i = at; i < at + 20; i++) hex += HEX_BYTES[bytes[i]!]
  return hex as Address
}

/** The app state machine over one core instance. */
export function createCore(core: CoreExports) {
  const input = core.inputPtr()
  const output = core.outputPtr()
  const memory = () => new Uint8Array(core.memory.buffer)
  const readU128 = (view: DataView, at: number) => {
    const high = view.getBigUint64(at)
    return high === 0n ? view.getBigUint64(at + 8) : (high << 64n) | view.getBigUint64(at + 8)
  }

  /** Runs `query(app, bytes)` and returns a view of its answer. */
  const query = (app: number, bytes: Uint8Array): DataView => {
    memory().set(bytes, input)
    const length = core.query(app, bytes.byteLength)
    if (length < 0) throw new CoreQueryError(`core.wasm refused a query for app ${app}`)
    const answer = memory().slice(output, output + length)
    return new DataView(answer.buffer)
  }
  const withAddresses = (kind: number, ...addresses: Address[]) => {
    const bytes = new Uint8Array(1 + 20 * addresses.length)
    bytes[0] = kind
    for (const [i, account] of addresses.entries()) bytes.set(hexToBytes(account), 1 + 20 * i)
    return bytes
  }

  return {
    /** Applies one encoded command as sequenced at `block`. */
    apply(command: Uint8Array, block: bigint): ApplyResult {
      if (command.byteLength > CORE_INPUT_BYTES) return { code: FAIL_MALFORMED, effects: NO_EFFECTS }
      memory().set(command, input)
      const code = core.apply(command.byteLength, block)
      const bytes = memory()
      const count = bytes[output]!
      if (count === 0) return { code, effects: NO_EFFECTS }
      const view = new DataView(bytes.buffer, output + 1, count * EFFECT_BYTES)
      const effects: Effect[] = []
      for (let i = 0; i < count; i++) {
        const at = output + 1 + i * EFFECT_BYTES
        effects.push({
          kind: bytes[at] === EFFECT_SENT ? 'sent' : 'received',
          owner: addressAt(bytes, at + 1),
          app: bytes[at + 21]!,
          op: bytes[at + 22]!,
          counterparty: addressAt(bytes, at + 23),
          amount: readU128(view, i * EFFECT_BYTES + 43),
        })
      }
      return { code, effects }
    },
    /** The next nonce `account`'s command must carry. */
    nonce(account: Address): bigint {
      return query(APP_CORE, withAddresses(CORE_QUERY_NONCE, account)).getBigUint64(0)
    },
    account(account: Address): AccountView {
      return {
        balance: readU128(query(APP_TOKEN, withAddresses(TOKEN_QUERY_BALANCE, account)), 0),
        nonce: this.nonce(account),
      }
    },
    allowance(owner: Address, spender: Address): bigint {
      return readU128(query(APP_TOKEN, withAddresses(TOKEN_QUERY_ALLOWANCE, owner, spender)), 0)
    },
    token(): TokenView {
      const view = query(APP_TOKEN, Uint8Array.of(TOKEN_QUERY_TOKEN))
      const bytes = new Uint8Array(view.buffer)
      return {
        issuer: bytes[0] === 1 ? getAddress(addressAt(bytes, 1)) : undefined,
        totalSupply: readU128(view, 21),
        requiredAttributes: bytes[37]!,
      }
    },
    /** `subject`'s identity attestation, or undefined (expiry is the caller's to compare with a block). */
    attestation(subject: Address): AttestationView | undefined {
      const view = query(APP_IDENTITY, withAddresses(IDENTITY_QUERY_ATTESTATION, subject))
      if (view.getUint8(0) !== 1) return undefined
      return { attributes: view.getUint8(1), jurisdiction: view.getUint16(2), expiresBlock: view.getBigUint64(4) }
    },
    /** The identity app's KYC issuer, or undefined before it is initialised. */
    identityIssuer(): Address | undefined {
      const bytes = new Uint8Array(query(APP_IDENTITY, Uint8Array.of(IDENTITY_QUERY_ISSUER)).buffer)
      return bytes[0] === 1 ? getAddress(addressAt(bytes, 1)) : undefined
    },
    /** `account`'s read reply v2: the core adds its nonce and every app's section to what the runtime holds. */
    readReply(account: Address, held: RuntimeHeldReply): Uint8Array {
      const request = encodeReadRequest(account, held)
      memory().set(request, input)
      const length = core.read(request.byteLength)
      if (length < 0) throw new CoreQueryError('core.wasm refused a read request')
      return memory().slice(output, output + length)
    },
    /** The whole state as one canonical byte string of app-tagged sections. */
    exportSnapshot(): Uint8Array {
      const length = core.snapshotExport()
      const at = core.snapshotPtr()
      return memory().slice(at, at + length)
    },
    /** Every account's state-root leaf record (assembly/leaves.ts), in address order. */
    exportLeaves(): Uint8Array {
      const length = core.leavesExport()
      const at = core.leavesPtr()
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

export type Core = ReturnType<typeof createCore>
