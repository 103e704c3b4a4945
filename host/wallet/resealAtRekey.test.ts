/**
 * A command sealed just before a rekey settles, and sequenced after it, opens for no replica: the members erased the
 * old epoch's key, and a member that joined at that rekey never had it. Before, it was silently lost. Now the wallet
 * seals the same signed command to the new epoch while it is pending and posts it again — no second signature — and
 * every replica, the joiner included, applies it once.
 */
import type { TypedDataDefinition } from 'viem'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { stepUntil } from '../node/stepUntil'
import { startTestChain, testWallet as wallet, type TestChain, type TestReplica } from '../node/testGroup'
import { createConfidentialWallet } from './confidentialWallet'
import type { SessionStore } from './sessionStore'

const issuer = wallet('issuer')
const alice = wallet('alice')
const bob = wallet('bob')

let chain: TestChain
let always: TestReplica

beforeAll(async () => {
  chain = await startTestChain()
  always = await chain.startReplica(1)
  await chain.formGroup([always])
  await chain.post([
    await chain.seal(issuer, { op: 'init' }),
    await chain.seal(issuer, { op: 'mint', to: alice.address, amount: 100n }),
  ])
  await chain.syncAll([always])
}, 120_000)

afterAll(async () => chain?.stop())

/** Sealed sends only: no session is ever stored. */
const NO_SESSIONS: SessionStore = { load: async () => undefined, save: async () => {}, forget: async () => {} }

describe('a command sealed just before a rekey', () => {
  it('is sealed again to the new epoch without a second signature and applies on every replica, the joiner too', {
    timeout: 120_000,
  }, async () => {
    const held: Uint8Array[] = []
    const signatures: string[] = []
    const aliceWallet = createConfidentialWallet({
      chainId: BigInt(chain.deployment.chainId),
      ledger: chain.ledger,
      account: alice.address,
      signTypedData: (typedData: TypedDataDefinition) => {
        signatures.push(String(typedData.primaryType))
        return alice.signTypedData(typedData)
      },
      publicClient: chain.poster.publicClient,
      fromBlock: BigInt(chain.deployment.deployBlock),
      finality: chain.deployment.finality,
      readers: [{ name: 'the member', reader: always.enclave }],
      // A relayer slow enough that the rekey settles before it posts.
      poster: {
        postCommand: async (record) => {
          held.push(record)
          return true
        },
      },
      sessions: NO_SESSIONS,
    })
    const posted = await aliceWallet.send({ op: 'transfer', to: bob.address, amount: 60n })
    expect(held).toHaveLength(1)

    const joiner = await chain.startReplica(2)
    const replicas = [always, joiner]
    await stepUntil(
      replicas.map((r) => r.node),
      async (all) => all.every((s) => s.members.length === 2 && s.holdsEpoch && !s.restoring && !s.rekeyNeeded),
    )
    // Now it lands: sealed to the epoch that settled away, it opens for nobody.
    await chain.post(held.splice(0))
    await chain.syncAll(replicas)
    expect((await aliceWallet.commandStatus(posted)).state).toBe('pending')
    // That check saw the newer epoch and handed the poster the same command sealed to it.
    expect(held).toHaveLength(1)
    // One command signature in all (besides the read key the wallet signs once to see its own state).
    expect(signatures.filter((type) => type !== 'Read')).toEqual(['TokenTransfer'])
    await chain.post(held.splice(0))
    await chain.syncAll(replicas)

    expect((await aliceWallet.commandStatus(posted)).state).toBe('applied')
    for (const replica of replicas) {
      expect((await chain.accountOn(replica, alice)).apps.token.balance).toBe(40n)
      expect((await chain.accountOn(replica, bob)).apps.token.balance).toBe(60n)
    }
    const [root, joinerRoot] = await chain.roots(replicas)
    expect(joinerRoot).toBe(root)
  })
})
