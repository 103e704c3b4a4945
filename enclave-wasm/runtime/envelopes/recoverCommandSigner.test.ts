/** The enclave's signer recovery against viem's `hashTypedData` / `recoverTypedDataAddress`: same digest, same verdicts. */
import { secp256k1 } from '@noble/curves/secp256k1.js'
import { keccak_256 } from '@noble/hashes/sha3.js'
import {
  bytesToHex,
  hashTypedData,
  keccak256,
  numberToBytes,
  recoverTypedDataAddress,
  toHex,
  type Address,
  type Hex,
} from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { describe, expect, it } from 'vitest'
import { commandTypedData, type CommandTypedData } from '../../envelopes/commandEnvelope'
import type { CoreCommand } from '../../envelopes/coreCommands'
import { commandDigest, recoverCommandSigner } from './recoverCommandSigner'

const LEDGER = '0x5FbDB2315678afecb367f032d93F642f64180aa3'
const N = secp256k1.Point.Fn.ORDER
const alice = privateKeyToAccount(keccak256(toHex('alice')))
const lower = (address: Address) => address.toLowerCase() as Address
const bob = lower(privateKeyToAccount(keccak256(toHex('bob'))).address)
const carol = lower(privateKeyToAccount(keccak256(toHex('carol'))).address)

const COMMANDS: CoreCommand[] = [
  { op: 'init' },
  { op: 'mint', to: bob, amount: 100n },
  { op: 'transfer', to: bob, amount: 60n },
  { op: 'approve', spender: carol, amount: 2n ** 128n - 1n },
  { op: 'transferFrom', from: carol, to: bob, amount: 1n },
  { op: 'burn', amount: 7n },
  { op: 'startSession', sessionKey: `0x${'ab'.repeat(32)}`, expiresBlock: 2n ** 64n - 1n },
  { op: 'endSession' },
]

const typedDataFor = (command: CoreCommand, chainId = 31337n, ledger: Address = LEDGER): CommandTypedData =>
  commandTypedData({
    chainId,
    ledger,
    account: lower(alice.address),
    nonce: 3n,
    deadlineBlock: 100n,
    command,
  })

/** What viem says: the lowercase signer, or that it threw. */
async function viemVerdict(typedData: CommandTypedData, signature: Hex): Promise<string> {
  try {
    return (await recoverTypedDataAddress({ ...typedData, signature })).toLowerCase()
  } catch {
    return 'throws'
  }
}

function ourVerdict(typedData: CommandTypedData, signature: Hex): string {
  try {
    return recoverCommandSigner(typedData, signature)
  } catch {
    return 'throws'
  }
}

/** r ‖ s ‖ v from scalars, as a wallet would encode them. */
const signatureOf = (r: bigint, s: bigint, v: number): Hex =>
  bytesToHex(new Uint8Array([...numberToBytes(r, { size: 32 }), ...numberToBytes(s, { size: 32 }), v]))

/** Deterministic pseudo-random bytes (a keccak chain from a fixed seed). */
function seededBytes(seed: string) {
  let state = keccak_256(new TextEncoder().encode(seed))
  return (length: number) => {
    const out = new Uint8Array(length)
    for (let at = 0; at < length; at += 32) {
      state = keccak_256(state)
      out.set(state.subarray(0, Math.min(32, length - at)), at)
    }
    return out
  }
}

describe('recoverCommandSigner', () => {
  it('hashes every command type exactly as hashTypedData does, per deployment', () => {
    for (const command of COMMANDS)
      for (const [chainId, ledger] of [
        [31337n, LEDGER],
        [1n, carol],
      ] as const) {
        const typedData = typedDataFor(command, chainId, ledger)
        expect(bytesToHex(commandDigest(typedData))).toBe(hashTypedData(typedData))
      }
  })

  it('recovers the account that signed each command, lowercase', async () => {
    for (const command of COMMANDS) {
      const typedData = typedDataFor(command)
      const signature = await alice.signTypedData(typedData)
      expect(recoverCommandSigner(typedData, signature)).toBe(lower(alice.address))
      expect(ourVerdict(typedData, signature)).toBe(await viemVerdict(typedData, signature))
    }
  })

  it('accepts what viem accepts: v as 0/1 or 27/28, and the high-s twin of a signature', async () => {
    const typedData = typedDataFor({ op: 'transfer', to: bob, amount: 60n })
    const { r, s, recovery } = partsOf(await alice.signTypedData(typedData))
    const variants = [
      signatureOf(r, s, recovery),
      signatureOf(r, s, recovery + 27),
      signatureOf(r, N - s, 1 - recovery), // the malleated twin: same signer
      signatureOf(r, N - s, 28 - recovery),
    ]
    for (const signature of variants) {
      expect(await viemVerdict(typedData, signature)).toBe(lower(alice.address))
      expect(ourVerdict(typedData, signature)).toBe(lower(alice.address))
    }
  })

  it('error: refuses what viem refuses (bad v, r or s out of range, r off the curve), and agrees on seeded noise', async () => {
    const typedData = typedDataFor({ op: 'transfer', to: bob, amount: 60n })
    const valid = await alice.signTypedData(typedData)
    const { r, s } = partsOf(valid)
    const cases: Hex[] = [
      signatureOf(r, s, 2),
      signatureOf(r, s, 26),
      signatureOf(r, s, 29),
      signatureOf(r, s, 255),
      signatureOf(0n, s, 27),
      signatureOf(r, 0n, 27),
      signatureOf(N, s, 27),
      signatureOf(r, N, 27),
      signatureOf(N + 1n, s, 27),
      signatureOf(2n ** 256n - 1n, s, 27),
      signatureOf(5n, s, 27), // x = 5 is not on secp256k1
    ]
    const random = seededBytes('recoverCommandSigner noise')
    for (let i = 0; i < 40; i++) {
      const bytes = random(65)
      bytes[64] = [0, 1, 27, 28, 3][i % 5]!
      cases.push(bytesToHex(bytes))
    }
    const verdicts = await Promise.all(cases.map((signature) => viemVerdict(typedData, signature)))
    for (const [i, signature] of cases.entries()) expect(ourVerdict(typedData, signature), signature).toBe(verdicts[i])
    // The noise holds both kinds: signatures some key made (random r on the curve) and ones none did.
    expect(verdicts.filter((verdict) => verdict === 'throws').length).toBeGreaterThan(cases.length / 4)
    expect(verdicts.filter((verdict) => verdict !== 'throws').length).toBeGreaterThan(cases.length / 4)
    expect(ourVerdict(typedData, signatureOf(r, s, 2))).toBe('throws')
    expect(ourVerdict(typedData, signatureOf(0n, s, 27))).toBe('throws')
    expect(() => recoverCommandSigner(typedData, valid.slice(0, -2) as Hex)).toThrow('invalid signature length')
  })
})
function partsOf(signature: Hex) {
  return {
    r: BigInt(signature.slice(0, 66)),
    s: BigInt(`0x${signature.slice(66, 130)}`),
    recovery: Number(`0x${signature.slice(130)}`) - 27,
  }
}
