/**
 * "Junk fills sealed state", as an attacker runs it: 20,000 signed commands from 20,000 fresh accounts (each a
 * transfer it cannot pay, so each still spends a nonce and leaves a receipt and a history line). Before the binary
 * format the JSON state passed the 1 MiB protocol cap after ~2,500 of them and no replica could seal again. Here both
 * replicas apply all of it, seal, restart from what they sealed, rekey, and then apply a real transfer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { LedgerClients } from '../ledger/confirmTransaction'
import { requestRekey } from '../ledger/governance'
import { stepUntil } from './stepUntil'
import { startTestChain, testWallet as wallet, type TestChain, type TestReplica } from './testGroup'

const JUNK_ACCOUNTS = 20_000
const issuer = wallet('issuer')
const alice = wallet('alice')
const bob = wallet('bob')

let chain: TestChain
let governor: LedgerClients
const replicas: TestReplica[] = []
const syncAll = () => chain.syncAll(replicas)
const balanceOn = async (replica: TestReplica, who: typeof alice) =>
  (await chain.accountOn(replica, who)).apps.token.balance

beforeAll(async () => {
  chain = await startTestChain()
  governor = chain.clients(0)
  replicas.push(await chain.startReplica(1), await chain.startReplica(2))
  await chain.formGroup(replicas)
}, 120_000)

afterAll(async () => chain?.stop())

describe('junk commands', () => {
  it(`attack: ${JUNK_ACCOUNTS.toLocaleString('en')} commands from fresh accounts; replicas still seal, restart and rekey`, {
    timeout: 600_000,
  }, async ({ annotate }) => {
    await chain.post([
      await chain.seal(issuer, { op: 'init' }),
      await chain.seal(issuer, {
        op: 'mint',
        to: alice.address,
        amount: 100n,
      }),
    ])
    const junk: Uint8Array[] = []
    for (let i = 0; i < JUNK_ACCOUNTS; i += 500) {
      const chunk = Array.from({ length: Math.min(500, JUNK_ACCOUNTS - i) }, (_, k) => wallet(`junk ${i + k}`))
      junk.push(
        ...(await Promise.all(
          chunk.map((account) =>
            chain.seal(account, { op: 'transfer', to: bob.address, amount: 1n }, { deadlineBlock: 1_000_000n }),
          ),
        )),
      )
    }
    await chain.post(junk)
    await syncAll()

    const [a, b] = replicas as [TestReplica, TestReplica]
    const sealed = await a.enclave.seal()
    await annotate(`sealed state after the junk: ${sealed.blob.byteLength.toLocaleString('en')} bytes`)
    // Each junk account is real core state now (a spent nonce) plus a receipt and a history line: tens of bytes
    // each in the binary format, where JSON took ~430, and no cap to run into.
    expect(sealed.blob.byteLength).toBeGreaterThan(JUNK_ACCOUNTS * 50)
    expect(sealed.blob.byteLength).toBeLessThan(JUNK_ACCOUNTS * 250)

    // B restarts from the state it sealed at the end of its last step: same seq and root, no replay.
    const before = await b.enclave.getStatus()
    await b.node.stop()
    await b.enclave.close()
    replicas[1] = await chain.startReplica(2, b)
    const restarted = await replicas[1].enclave.getStatus()
    expect([restarted.seq, restarted.root]).toEqual([before.seq, before.root])

    // A rekey on demand, then a real transfer under the new epoch: both replicas apply it and agree.
    const epoch = restarted.epoch
    await requestRekey(governor, { ledger: chain.ledger })
    await stepUntil(
      replicas.map((r) => r.node),
      (s) => s.every((x) => x.epoch === epoch + 1n && x.holdsEpoch && !x.rekeyNeeded),
    )
    await chain.post([
      await chain.seal(alice, {
        op: 'transfer',
        to: bob.address,
        amount: 60n,
      }),
    ])
    await syncAll()
    for (const replica of replicas)
      expect([await balanceOn(replica, alice), await balanceOn(replica, bob)]).toEqual([40n, 60n])
    const [rootA, rootB] = await chain.roots(replicas)
    expect(rootA).toBe(rootB)
  })
})
