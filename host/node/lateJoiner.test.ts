/**
 * Issue 13's failure, reproduced headless: commands are posted, then a member joins. It cannot open anything sealed
 * to earlier epochs, so before checkpoints it showed Bob 0 and "Nothing yet" and then refused Alice's next transfer
 * ("wrong nonce") while the old member applied it. Now it waits, restores from the snapshot of the checkpoint at the
 * rekey that admitted it, and shows what the always-on member shows; a node whose data dir is lost does the same.
 * Also: the host's view of the running root no longer confirms a guessed transfer.
 */
import { sha256 } from '@noble/hashes/sha2.js'
import { bytesToHex, concatBytes, hexToBytes, keccak256, toHex, type Hex } from 'viem'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { encodeCoreCommand } from '../../enclave-wasm/envelopes/coreCommands'
import type { MemberNodeEvent } from './memberNodeEvent'
import { stepUntil } from './stepUntil'
import { startTestChain, testWallet as wallet, type TestChain, type TestReplica } from './testGroup'
import type { PrivateKeyAccount } from 'viem/accounts'

const ACCOUNTS = 30
const TRANSFERS = 200
const issuer = wallet('issuer')
const people = Array.from({ length: ACCOUNTS }, (_, i) => wallet(`person ${i}`))

let chain: TestChain
let always: TestReplica

beforeAll(async () => {
  chain = await startTestChain()
  always = await chain.startReplica(1)
  await chain.formGroup([always])
}, 120_000)

afterAll(async () => chain?.stop())

/** What `who`'s own wallet sees on `replica`: balance, nonce, history lines. */
async function viewOf(replica: TestReplica, who: PrivateKeyAccount) {
  const reply = await chain.accountOn(replica, who)
  return { balance: reply.apps.token.balance, nonce: reply.nonce, history: reply.history }
}

describe('a member that joins after commands were posted', () => {
  const events: MemberNodeEvent[] = []
  let joiner: TestReplica

  it(`restores from a checkpoint and shows the true state after ${TRANSFERS} random transfers among ${ACCOUNTS} accounts`, {
    timeout: 300_000,
  }, async () => {
    await chain.post([
      await chain.seal(issuer, { op: 'init' }),
      ...(await Promise.all(people.map((p) => chain.seal(issuer, { op: 'mint', to: p.address, amount: 1_000n })))),
    ])
    // Seeded: each transfer's parties and amount come from the hash of its index, so every run replays the same.
    const random = (i: number, part: number, n: number) => Number(BigInt(keccak256(toHex(`${i} ${part}`))) % BigInt(n))
    const transfers: Uint8Array[] = []
    for (let i = 0; i < TRANSFERS; i++) {
      const from = people[random(i, 0, ACCOUNTS)]!
      const to = people[random(i, 1, ACCOUNTS)]!
      // Self-transfers and overdrafts are refused: real outcomes the joiner must learn from the snapshot too.
      transfers.push(await chain.seal(from, { op: 'transfer', to: to.address, amount: BigInt(1 + random(i, 2, 120)) }))
    }
    for (let i = 0; i < transfers.length; i += 25) await chain.post(transfers.slice(i, i + 25))
    await chain.syncAll([always])

    joiner = await chain.startReplica(2, { onEvent: (event) => events.push(event) })
    await chain.formGroup([always, joiner])
    await chain.syncAll([always, joiner])

    const status = await joiner.enclave.getStatus()
    expect(status.restoring).toBe(false)
    expect(events.some((e) => e.type === 'restoring')).toBe(true)
    expect(events.some((e) => e.type === 'restored')).toBe(true)
    for (const person of people) expect(await viewOf(joiner, person)).toEqual(await viewOf(always, person))
    const [rootAlways, rootJoiner] = await chain.roots([always, joiner])
    expect(rootJoiner).toBe(rootAlways)
  })

  it('then applies the next transfer as the old member does (it refused it as "wrong nonce" before)', async () => {
    const [alice, bob] = people as [PrivateKeyAccount, PrivateKeyAccount]
    const before = await viewOf(always, bob)
    await chain.post([await chain.seal(alice, { op: 'transfer', to: bob.address, amount: 1n })])
    await chain.syncAll([always, joiner])
    expect((await viewOf(joiner, bob)).balance).toBe(before.balance + 1n)
    expect(await viewOf(joiner, alice)).toEqual(await viewOf(always, alice))
    const [rootAlways, rootJoiner] = await chain.roots([always, joiner])
    expect(rootJoiner).toBe(rootAlways)
  })

  it('a node whose data dir is deleted registers again, restores and reaches the same root', {
    timeout: 120_000,
  }, async () => {
    await joiner.node.stop()
    await joiner.enclave.close()
    // Same machine, nothing stored: the node starts from scratch under a new signer.
    const again = await chain.startReplica(2, { machine: joiner.machine })
    // Following the chain it meets inputs it cannot open: it vouches for nothing and shows no balance.
    expect((await again.node.step()).restoring).toBe(true)
    await expect(chain.accountOn(again, people[0]!)).rejects.toThrow(/restoring from a checkpoint/)
    // The lost signer stays a member (offline) until governance removes it: three members, two of them answering.
    await stepUntil([always.node, again.node], async (statuses) =>
      statuses.every((s) => s.members.length === 3 && s.holdsEpoch && !s.restoring && !s.rekeyNeeded),
    )
    await chain.syncAll([always, again])
    const [rootAlways, rootAgain] = await chain.roots([always, again])
    expect(rootAgain).toBe(rootAlways)
    for (const person of people.slice(0, 5)) expect(await viewOf(again, person)).toEqual(await viewOf(always, person))
  })
})

describe('the running root, from the host', () => {
  it('attack: recomputing it for the exact transfer that was applied does not match (the root is keyed)', async () => {
    const [alice, bob] = people as [PrivateKeyAccount, PrivateKeyAccount]
    const before = await always.enclave.getStatus()
    const nonce = (await chain.accountOn(always, alice)).nonce
    await chain.post([await chain.seal(alice, { op: 'transfer', to: bob.address, amount: 7n }, { nonce })])
    await chain.syncAll([always])
    const after = await always.enclave.getStatus()
    // The host knows the previous root and the accumulator; give it the right guess of the plaintext as well.
    const command = encodeCoreCommand(alice.address, nonce, { op: 'transfer', to: bob.address, amount: 7n })
    const line = new Uint8Array(35)
    line.set(sha256(command), 3)
    const acc = (await chain.poster.publicClient.readContract({
      address: chain.ledger,
      abi: (await import('../../contracts/generated/ledger')).ledgerAbi,
      functionName: 'accumulatorAt',
      args: [after.seq],
    })) as Hex
    const unkeyed = bytesToHex(
      sha256(
        concatBytes([
          new TextEncoder().encode('anonify/v1 root'),
          hexToBytes(before.root!),
          hexToBytes(acc),
          sha256(line),
        ]),
      ),
    )
    expect(after.seq).toBe(before.seq + 1n)
    expect(after.root).not.toBe(unkeyed)
  })
})
