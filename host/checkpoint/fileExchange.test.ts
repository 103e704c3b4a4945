/** The node's checkpoint exchange survives a restart, stays bounded, and refuses a co-signature for what it lacks. */
import { existsSync } from 'node:fs'
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { keccak256, toHex, type Hex } from 'viem'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { SignedCheckpoint } from '../../enclave-wasm/protocol'
import { KEPT_POSITIONS } from './checkpointExchange'
import { openFileExchange } from './fileExchange'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'anonify-exchange-'))
})
afterEach(() => rm(dir, { recursive: true, force: true }))

const hash = (text: string): Hex => keccak256(toHex(text))
const SIGNER_A = '0x00000000000000000000000000000000000000aa'
const SIGNER_B = '0x00000000000000000000000000000000000000bb'

/** A signed checkpoint at `seq` (the exchange stores signatures; the enclave is the one that checks them). */
function signedAt(seq: bigint, signer: Hex = SIGNER_A, root = 'root'): SignedCheckpoint {
  const snapshot = new TextEncoder().encode(`snapshot ${seq} ${root}`)
  return {
    checkpoint: {
      seq,
      acc: hash(`acc ${seq}`),
      stateRoot: hash(`${root} ${seq}`),
      snapshotHash: keccak256(snapshot),
      withdrawalRoot: `0x${'00'.repeat(32)}`,
      auditRoot: `0x${'00'.repeat(32)}`,
    },
    signer,
    signature: `0x${'11'.repeat(65)}`,
    snapshot,
  }
}

describe('a node checkpoint exchange on disk', () => {
  it('serves after a restart what it held before, with every co-signature', async () => {
    const first = await openFileExchange(dir)
    const signed = signedAt(256n)
    await first.publish(signed)
    expect(await first.cosign(signed.checkpoint, { signer: SIGNER_B, signature: `0x${'22'.repeat(65)}` })).toBe(true)

    const again = await openFileExchange(dir)
    const found = await again.find(256n)
    expect(found?.checkpoint).toEqual(signed.checkpoint)
    expect(found?.signatures.map((s) => s.signer)).toEqual([SIGNER_A, SIGNER_B])
    expect(await again.snapshot(signed.checkpoint.snapshotHash)).toEqual(signed.snapshot)
  })

  it('refuses a co-signature over a checkpoint it does not hold (another root at that position)', async () => {
    const exchange = await openFileExchange(dir)
    await exchange.publish(signedAt(256n))
    const other = signedAt(256n, SIGNER_B, 'another root')
    expect(await exchange.cosign(other.checkpoint, { signer: SIGNER_B, signature: other.signature })).toBe(false)
    expect((await exchange.find(256n))?.signatures).toHaveLength(1)
  })

  it(`keeps the latest ${KEPT_POSITIONS} positions and removes older snapshots from disk`, async () => {
    const exchange = await openFileExchange(dir)
    for (let i = 1n; i <= BigInt(KEPT_POSITIONS) + 3n; i++) await exchange.publish(signedAt(i * 256n))
    expect(await exchange.find(256n)).toBeUndefined()
    expect(await exchange.find(BigInt(KEPT_POSITIONS + 3) * 256n)).toBeDefined()
    expect(await readdir(join(dir, 'snapshots'))).toHaveLength(KEPT_POSITIONS)
  })

  it('starts empty on an unreadable index instead of refusing to start', async () => {
    await writeFile(join(dir, 'checkpoints.json'), 'not json{')
    const exchange = await openFileExchange(dir)
    expect(await exchange.find(256n)).toBeUndefined()
    await exchange.publish(signedAt(512n))
    expect(existsSync(join(dir, 'checkpoints.json'))).toBe(true)
  })
})
