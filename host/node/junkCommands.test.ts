/**
 * "Junk fills sealed state", as an attacker runs it: 20,000 signed commands from 20,000 fresh accounts (each a
 * transfer it cannot pay, so each still spends a nonce and leaves a receipt and a history line). Before the binary
 * format the JSON state passed the 1 MiB protocol cap after ~2,500 of them and no replica could seal again. Here both
 * replicas apply all of it, seal, restart from what they sealed, rekey, and then apply a real transfer.
 */
import { createWalletClient, http, keccak256, toHex } from 'viem'
import { privateKeyToAccount, type PrivateKeyAccount } from 'viem/accounts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CoreCommand } from '../../enclave-wasm/envelopes/coreCommands'
import { ENCLAVE_BUILD_DIR } from '../../enclave-wasm/platform/launchNodeEnclave'
import { readEnclaveManifest } from '../../enclave-wasm/platform/manifest'
import { createSimMachine, type SimMachine } from '../../enclave-wasm/platform/sim/createSimPlatform'
import { createLedgerClients } from '../chain/createLedgerClients'
import { type Anvil, startAnvil } from '../chain/startAnvil'
import { deployStack } from '../deployment/deployStack'
import type { Deployment } from '../deployment/parseDeployment'
import type { EnclaveClient } from '../enclave/createEnclaveClient'
import { startNodeEnclave } from '../enclave/startNodeEnclave'
import { readAccount } from '../envelopes/readAccount'
import { sealCommand } from '../envelopes/sealCommand'
import type { LedgerClients } from '../ledger/confirmTransaction'
import { MAX_RECORDS_PER_BATCH } from '../ledger/constants'
import { requestRekey } from '../ledger/governance'
import { readGroup } from '../ledger/readGroup'
import { submitBatch } from '../ledger/submitBatch'
import { memoryStore } from '../storage/sealedStateStore'
import { createMemberNode, type MemberNode } from './createMemberNode'
import { stepUntil } from './stepUntil'

const JUNK_ACCOUNTS = 20_000
const wallet = (name: string) => privateKeyToAccount(keccak256(toHex(name)))
const issuer = wallet('issuer')
const alice = wallet('alice')
const bob = wallet('bob')

type Replica = { node: MemberNode; enclave: EnclaveClient; machine: SimMachine; store: ReturnType<typeof memoryStore> }

let anvil: Anvil
let deployment: Deployment
let poster: LedgerClients
let governor: LedgerClients
const replicas: Replica[] = []

async function clients(index: number): Promise<LedgerClients> {
  const accounts = await createWalletClient({ transport: http(anvil.rpcUrl) }).getAddresses()
  return createLedgerClients({
    rpcUrl: anvil.rpcUrl,
    chainId: deployment.chainId,
    account: accounts[index]!,
    pollingIntervalMs: 50,
  })
}

/** Starts (or restarts, from its machine and store) a replica operated by account `index`. */
async function startReplica(index: number, from?: Replica): Promise<Replica> {
  const machine = from?.machine ?? (await createSimMachine())
  const store = from?.store ?? memoryStore()
  const { client: enclave } = await startNodeEnclave({ machine })
  const node = createMemberNode({ enclave, clients: await clients(index), deployment, store })
  await node.bind()
  return { node, enclave, machine, store }
}

const chainSeq = async () => (await readGroup(poster.publicClient, { ledger: deployment.contracts.ledger })).seq
const stepAll = (done: Parameters<typeof stepUntil>[1]) =>
  stepUntil(
    replicas.map((r) => r.node),
    done,
  )
const syncAll = async () => {
  const seq = await chainSeq()
  await stepAll((statuses) => statuses.every((s) => s.seq === seq))
}

async function seal(from: PrivateKeyAccount, nonce: bigint, command: CoreCommand): Promise<Uint8Array> {
  const group = await readGroup(poster.publicClient, { ledger: deployment.contracts.ledger })
  return sealCommand({
    chainId: BigInt(deployment.chainId),
    ledger: deployment.contracts.ledger,
    epoch: Number(group.epoch),
    cmdPubKey: group.cmdPubKey,
    account: from.address,
    nonce,
    deadlineBlock: 1_000_000n,
    command,
    signTypedData: (typedData) => from.signTypedData(typedData),
  })
}

async function post(records: Uint8Array[]): Promise<void> {
  for (let i = 0; i < records.length; i += MAX_RECORDS_PER_BATCH) {
    const hash = await submitBatch(poster.walletClient, {
      ledger: deployment.contracts.ledger,
      records: records.slice(i, i + MAX_RECORDS_PER_BATCH),
    })
    await poster.publicClient.waitForTransactionReceipt({ hash })
  }
}

const balanceOn = async (replica: Replica, who: PrivateKeyAccount) =>
  (
    await readAccount(replica.enclave, {
      chainId: BigInt(deployment.chainId),
      ledger: deployment.contracts.ledger,
      account: who.address,
      signTypedData: (typedData) => who.signTypedData(typedData),
    })
  ).apps.token.balance

beforeAll(async () => {
  anvil = await startAnvil()
  deployment = await deployStack({
    rpcUrl: anvil.rpcUrl,
    measurement: (await readEnclaveManifest(ENCLAVE_BUILD_DIR)).measurement,
  })
  governor = await clients(0)
  poster = await clients(5)
  replicas.push(await startReplica(1), await startReplica(2))
  await stepAll((s) =>
    s.every((x) => x.members.length === 2 && x.holdsEpoch && !x.rekeyNeeded && !x.initKeyRotationDue),
  )
}, 120_000)

afterAll(async () => {
  await Promise.all(replicas.map((r) => r.enclave.close().catch(() => {})))
  await anvil?.stop()
})

describe('junk commands', () => {
  it(`attack: ${JUNK_ACCOUNTS.toLocaleString('en')} commands from fresh accounts; replicas still seal, restart and rekey`, {
    timeout: 600_000,
  }, async ({ annotate }) => {
    await post([
      await seal(issuer, 0n, { op: 'init' }),
      await seal(issuer, 1n, { op: 'mint', to: alice.address, amount: 100n }),
    ])
    const junk: Uint8Array[] = []
    for (let i = 0; i < JUNK_ACCOUNTS; i += 500) {
      const chunk = Array.from({ length: Math.min(500, JUNK_ACCOUNTS - i) }, (_, k) => wallet(`junk ${i + k}`))
      junk.push(
        ...(await Promise.all(
          chunk.map((account) => seal(account, 0n, { op: 'transfer', to: bob.address, amount: 1n })),
        )),
      )
    }
    await post(junk)
    await syncAll()

    const [a, b] = replicas as [Replica, Replica]
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
    replicas[1] = await startReplica(2, b)
    const restarted = await replicas[1].enclave.getStatus()
    expect([restarted.seq, restarted.root]).toEqual([before.seq, before.root])

    // A rekey on demand, then a real transfer under the new epoch: both replicas apply it and agree.
    const epoch = restarted.epoch
    await requestRekey(governor, { ledger: deployment.contracts.ledger })
    await stepAll((s) => s.every((x) => x.epoch === epoch + 1n && x.holdsEpoch && !x.rekeyNeeded))
    await post([await seal(alice, 0n, { op: 'transfer', to: bob.address, amount: 60n })])
    await syncAll()
    for (const replica of replicas)
      expect([await balanceOn(replica, alice), await balanceOn(replica, bob)]).toEqual([40n, 60n])
    const [rootA, rootB] = await Promise.all(replicas.map(async (r) => (await r.enclave.getStatus()).root))
    expect(rootA).toBe(rootB)
  })
})
