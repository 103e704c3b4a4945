/**
 * A headless member's API pushes what its enclave applied: a subscriber hears the seq it started from and then the
 * later seqs its loop syncs (its own registration is an input), while the caller's onEvent still hears every event.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createWalletClient, http } from 'viem'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ENCLAVE_BUILD_DIR } from '../../enclave-wasm/platform/launchNodeEnclave'
import { readEnclaveManifest } from '../../enclave-wasm/platform/manifest'
import { startAnvil, type Anvil } from '../chain/startAnvil'
import { deployStack } from '../deployment/deployStack'
import type { Deployment } from '../deployment/parseDeployment'
import { subscribeApplied } from '../relayer/subscribeApplied'
import type { MemberNodeEvent } from './memberNodeEvent'
import { startHeadlessMember } from './startHeadlessMember'

let anvil: Anvil
let deployment: Deployment
let dataDir: string

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'anonify-headless-'))
  anvil = await startAnvil()
  deployment = await deployStack({
    rpcUrl: anvil.rpcUrl,
    measurement: (await readEnclaveManifest(ENCLAVE_BUILD_DIR)).measurement,
  })
}, 60_000)
afterAll(async () => {
  await anvil?.stop()
  await rm(dataDir, { recursive: true, force: true })
})

describe('startHeadlessMember', () => {
  it('pushes the seq at GET /v1/events as its loop syncs, and still reports every event to its caller', {
    timeout: 120_000,
  }, async () => {
    const [, operator] = await createWalletClient({ transport: http(anvil.rpcUrl) }).getAddresses()
    const events: MemberNodeEvent[] = []
    const member = await startHeadlessMember({
      deployment,
      rpcUrl: anvil.rpcUrl,
      dataDir,
      account: operator!,
      httpPort: 0,
      onEvent: (event) => events.push(event),
    })
    const heard: bigint[] = []
    const stop = new AbortController()
    const subscribed = subscribeApplied(member.url!, (seq) => heard.push(seq), { signal: stop.signal })
    try {
      await expect.poll(() => heard.length).toBeGreaterThan(0)
      await expect.poll(() => heard.at(-1)! > heard[0]!, { timeout: 60_000 }).toBe(true)
      const synced = events.filter((event) => event.type === 'synced').map((event) => event.seq)
      expect(synced).toContain(heard.at(-1))
    } finally {
      stop.abort()
      await subscribed
      await member.stop()
    }
  })
})
