/**
 * Checkpoints between members of two operators, on a real chain: on request every member signs the same position,
 * a node submits once both signatures are in, and every enclave applies the accepted checkpoint from the stream.
 * Then a member made to diverge (its sealed state altered on its own machine, as a broken enclave would hold it)
 * signs a different checkpoint: the conflict is recorded on chain, the Ledger pauses intake (posting fails, every
 * enclave and the web app's network read show the pause) until governance resumes.
 */
import { bytesToHex } from 'viem'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { stolenMachineClient } from '../../platform/sim/stolenMachineClient'
import { sealState, unsealState } from '../sealState'
import { requestCheckpoint } from '../../../host/ledger/checkpoints'
import { resumeLedger } from '../../../host/ledger/governance'
import { readLedgerPause } from '../../../host/ledger/readLedgerPause'
import { readNetwork } from '../../../host/ledger/readNetwork'
import { ledgerAbi } from '../../../contracts/generated/ledger'
import { stepUntil } from '../../../host/node/stepUntil'
import { startTestChain, testWallet as wallet, type TestChain, type TestReplica } from '../../../host/node/testGroup'

const issuer = wallet('issuer')
const alice = wallet('alice')
const bob = wallet('bob')

let chain: TestChain
const replicas: TestReplica[] = []
const statuses = () => Promise.all(replicas.map((r) => r.enclave.getStatus()))

beforeAll(async () => {
  chain = await startTestChain()
  replicas.push(await chain.startReplica(1), await chain.startReplica(2))
  await chain.formGroup(replicas)
  await chain.post([
    await chain.seal(issuer, { op: 'init' }),
    await chain.seal(issuer, { op: 'mint', to: alice.address, amount: 100n }),
    await chain.seal(alice, { op: 'transfer', to: bob.address, amount: 60n }),
  ])
  await chain.syncAll(replicas)
}, 120_000)

afterAll(async () => chain?.stop())

describe('checkpoints of two operators', () => {
  it('on request both members sign one position, it is accepted on chain, and both enclaves apply it', async () => {
    const { seq } = await requestCheckpoint(chain.clients(1), { ledger: chain.ledger })
    await stepUntil(
      replicas.map((r) => r.node),
      async (all) => all.every((s) => s.acceptedCheckpoint?.seq === seq),
    )
    const accepted = await chain.poster.publicClient.readContract({
      address: chain.ledger,
      abi: ledgerAbi,
      functionName: 'latestCheckpointSeq',
    })
    expect(accepted).toBe(seq)
    for (const status of await statuses()) {
      expect(status.acceptedCheckpoint).toMatchObject({ seq, signers: 2 })
      expect(status.checkpoint?.stateRoot).toBe(status.acceptedCheckpoint?.stateRoot)
      expect(status.divergedAt).toBeUndefined()
    }
  })

  it('a member made to diverge is caught: recorded on chain, intake paused everywhere, resumed by governance', {
    timeout: 120_000,
  }, async () => {
    // B's own machine opens its sealed state, inflates Bob's history line and seals it back: B's next snapshot differs.
    const b = replicas[1]!
    await b.node.stop()
    await b.enclave.close()
    const platform = await stolenMachineClient(b.machine)
    const contents = await unsealState(
      platform,
      (await b.store.load())!,
      BigInt(chain.deployment.chainId),
      chain.ledger,
    )
    const line = contents.effects.history[bob.address.toLowerCase()]!.at(-1)!
    line.amount += 1_000n
    await b.store.save(await sealState(platform, contents.group, contents.effects, contents.snapshot))
    replicas[1] = await chain.startReplica(2, { machine: b.machine, store: b.store })

    const { seq } = await requestCheckpoint(chain.clients(2), { ledger: chain.ledger })
    await stepUntil(
      replicas.map((r) => r.node),
      async (all) => all.every((s) => s.pausedAt === seq),
    )
    expect(await readLedgerPause(chain.poster.publicClient, { ledger: chain.ledger })).toEqual({ paused: true, seq })
    // What the wallet page's red banner reads.
    expect((await readNetwork(chain.poster.publicClient, { ledger: chain.ledger })).pausedAt).toBe(seq)
    const blocked = await chain.seal(alice, { op: 'transfer', to: bob.address, amount: 1n })
    const submit = () =>
      chain.poster.publicClient.simulateContract({
        address: chain.ledger,
        abi: ledgerAbi,
        functionName: 'submit',
        args: [bytesToHex(blocked)],
        account: chain.poster.walletClient.account,
      })
    await expect(submit()).rejects.toThrow(/LedgerPaused/)

    await resumeLedger(chain.clients(0), { ledger: chain.ledger })
    await stepUntil(
      replicas.map((r) => r.node),
      async (all) => all.every((s) => s.pausedAt === undefined),
    )
    expect((await readNetwork(chain.poster.publicClient, { ledger: chain.ledger })).pausedAt).toBeUndefined()
    await chain.post([blocked])
    await chain.syncAll(replicas)
    expect((await chain.accountOn(replicas[0]!, bob)).apps.token.balance).toBe(61n)
  })
})
