/**
 * A headless member's API pushes what its enclave applied: a subscriber hears the seq it started from and then the
 * later seqs its loop syncs (its own registration is an input), while the caller's onEvent still hears every event.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { subscribeApplied } from '../relayer/subscribeApplied'
import type { MemberNodeEvent } from './memberNodeEvent'
import { startHeadlessMember } from './startHeadlessMember'
import { startTestChain, type TestChain } from './testGroup'

let chain: TestChain
let dataDir: string

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'anonify-headless-'))
  chain = await startTestChain()
}, 60_000)
afterAll(async () => {
  await chain?.stop()
  await rm(dataDir, { recursive: true, force: true })
})

describe('startHeadlessMember', () => {
  it('pushes the seq at GET /v1/events as its loop syncs, and still reports every event to its caller', {
    timeout: 120_000,
  }, async () => {
    const events: MemberNodeEvent[] = []
    const member = await startHeadlessMember({
      deployment: chain.deployment,
      rpcUrl: chain.anvil.rpcUrl,
      dataDir,
      account: chain.clients(1).walletClient.account.address,
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
