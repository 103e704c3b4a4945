/**
 * Issue 12's scenario, headless on anvil with two real enclaves: the seed (init, mint 100 to Alice, Alice pays Bob 60),
 * then the issuer requires KYC; a wallet that tries to make itself the KYC issuer is refused and governance grants the
 * role through the Ledger instead; Alice -> Carol (no KYC) is refused with the token's namespaced code and its
 * message; the KYC issuer attests Carol; the same transfer then applies, and Carol's own read shows her balance and
 * her attestation. Both replicas agree on every root.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createWalletClient, http, keccak256, toHex, type Address } from 'viem'
import { privateKeyToAccount, type PrivateKeyAccount } from 'viem/accounts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { OUTCOME_NAMES } from '../../enclave-wasm/envelopes/accountRead'
import { attestationOfAmount, GOVERNANCE_CALLER } from '../../enclave-wasm/envelopes/apps/identityFacts'
import type { CoreCommand } from '../../enclave-wasm/envelopes/coreCommands'
import { ENCLAVE_BUILD_DIR } from '../../enclave-wasm/platform/launchNodeEnclave'
import { readEnclaveManifest } from '../../enclave-wasm/platform/manifest'
import { createSimMachine } from '../../enclave-wasm/platform/sim/createSimPlatform'
import {
  ATTRIBUTE_KYC,
  FAIL_IDENTITY_NO_ISSUER,
  FAIL_IDENTITY_NOT_GOVERNANCE,
} from '../../enclave-wasm/shared/apps/identity'
import { FAIL_RECIPIENT_NOT_ELIGIBLE } from '../../enclave-wasm/shared/apps/token'
import { APP_TOKEN, OK } from '../../enclave-wasm/shared/constants'
import { createLedgerClients } from '../chain/createLedgerClients'
import { startAnvil, type Anvil } from '../chain/startAnvil'
import { deployStack } from '../deployment/deployStack'
import type { Deployment } from '../deployment/parseDeployment'
import type { EnclaveClient } from '../enclave/createEnclaveClient'
import { startNodeEnclave } from '../enclave/startNodeEnclave'
import { readAccount } from '../envelopes/readAccount'
import { sealCommand } from '../envelopes/sealCommand'
import type { LedgerClients } from '../ledger/confirmTransaction'
import { grantIdentityIssuer } from '../ledger/governance'
import { readGroup } from '../ledger/readGroup'
import { submitBatch } from '../ledger/submitBatch'
import { fileStore } from '../storage/fileStore'
import { createMemberNode, type MemberNode } from './createMemberNode'
import { stepUntil } from './stepUntil'

const wallet = (name: string) => privateKeyToAccount(keccak256(toHex(name)))
const [issuer, kycIssuer, alice, bob, carol] = ['issuer', 'kyc', 'alice', 'bob', 'carol'].map(wallet) as [
  PrivateKeyAccount,
  PrivateKeyAccount,
  PrivateKeyAccount,
  PrivateKeyAccount,
  PrivateKeyAccount,
]

let anvil: Anvil
let deployment: Deployment
let relayer: LedgerClients
let dataRoot: string
type Replica = { node: MemberNode; enclave: EnclaveClient }
const replicas: Replica[] = []
const nonces = new Map<Address, bigint>()

async function operator(index: number): Promise<LedgerClients> {
  const accounts = await createWalletClient({ transport: http(anvil.rpcUrl) }).getAddresses()
  return createLedgerClients({
    rpcUrl: anvil.rpcUrl,
    chainId: deployment.chainId,
    account: accounts[index]!,
    pollingIntervalMs: 50,
  })
}

async function startReplica(name: string, accountIndex: number): Promise<Replica> {
  const { client } = await startNodeEnclave({ machine: await createSimMachine() })
  const node = createMemberNode({
    enclave: client,
    clients: await operator(accountIndex),
    deployment,
    store: fileStore(join(dataRoot, name, 'enclave.sealed')),
  })
  await node.bind()
  return { node, enclave: client }
}

/** Seals `commands` with each wallet's next nonce, posts them as one batch, and steps both replicas through it. */
async function post(...commands: [PrivateKeyAccount, CoreCommand][]) {
  const group = await readGroup(relayer.publicClient, { ledger: deployment.contracts.ledger })
  const deadlineBlock = (await relayer.publicClient.getBlockNumber()) + 100n
  const records: Uint8Array[] = []
  for (const [from, command] of commands) {
    const nonce = nonces.get(from.address) ?? 0n
    nonces.set(from.address, nonce + 1n)
    records.push(
      await sealCommand({
        chainId: BigInt(deployment.chainId),
        ledger: deployment.contracts.ledger,
        epoch: Number(group.epoch),
        cmdPubKey: group.cmdPubKey,
        account: from.address,
        nonce,
        deadlineBlock,
        command,
        signTypedData: (typedData) => from.signTypedData(typedData),
      }),
    )
  }
  const hash = await submitBatch(relayer.walletClient, { ledger: deployment.contracts.ledger, records })
  await relayer.publicClient.waitForTransactionReceipt({ hash })
  await catchUp()
}

/** Steps both replicas to the chain's latest input and checks they reached the same root. */
async function catchUp() {
  const { seq } = await readGroup(relayer.publicClient, { ledger: deployment.contracts.ledger })
  await stepUntil(
    replicas.map((r) => r.node),
    (statuses) => statuses.every((s) => s.seq === seq),
  )
  const [first, second] = await Promise.all(replicas.map(async (r) => (await r.enclave.getStatus()).root))
  expect(second).toBe(first)
}

/** What each replica tells `who`'s own wallet. */
const accountsOf = (who: PrivateKeyAccount) =>
  Promise.all(
    replicas.map((replica) =>
      readAccount(replica.enclave, {
        chainId: BigInt(deployment.chainId),
        ledger: deployment.contracts.ledger,
        account: who.address,
        signTypedData: (typedData) => who.signTypedData(typedData),
      }),
    ),
  )
const balancesOf = async (who: PrivateKeyAccount) =>
  (await accountsOf(who)).map((account) => account.apps.token.balance)

beforeAll(async () => {
  dataRoot = await mkdtemp(join(tmpdir(), 'anonify-identity-'))
  anvil = await startAnvil()
  deployment = await deployStack({
    rpcUrl: anvil.rpcUrl,
    measurement: (await readEnclaveManifest(ENCLAVE_BUILD_DIR)).measurement,
  })
  relayer = await operator(5)
  replicas.push(await startReplica('first', 1), await startReplica('second', 2))
  await stepUntil(
    replicas.map((r) => r.node),
    (statuses) =>
      statuses.every((s) => s.members.length === 2 && s.holdsEpoch && !s.rekeyNeeded && !s.initKeyRotationDue),
  )
}, 120_000)

afterAll(async () => {
  await Promise.all(replicas.map((r) => r.enclave.close().catch(() => {})))
  await anvil?.stop()
  await rm(dataRoot, { recursive: true, force: true })
})

describe('a KYC-gated token', { timeout: 120_000 }, () => {
  it('refuses Alice -> Carol until the KYC issuer attests Carol, then applies it, on two replicas with equal roots', async () => {
    await post(
      [issuer, { op: 'init' }],
      [issuer, { op: 'mint', to: alice.address, amount: 100n }],
      [alice, { op: 'transfer', to: bob.address, amount: 60n }],
    )
    expect(await balancesOf(alice)).toEqual([40n, 40n])
    expect(await balancesOf(bob)).toEqual([60n, 60n])

    // No wallet can make itself the KYC issuer: the op is governance's, and the issuer can attest nothing yet.
    await post(
      [kycIssuer, { op: 'grantIssuer', issuer: kycIssuer.address }],
      [
        kycIssuer,
        { op: 'attest', subject: carol.address, attributes: ATTRIBUTE_KYC, jurisdiction: 0, expiresBlock: 1n },
      ],
      [issuer, { op: 'requireAttributes', attributes: ATTRIBUTE_KYC }],
    )
    for (const account of await accountsOf(kycIssuer))
      expect(account.history.map((entry) => [entry.op, entry.code])).toEqual([
        ['grantIssuer', FAIL_IDENTITY_NOT_GOVERNANCE],
        ['attest', FAIL_IDENTITY_NO_ISSUER],
      ])
    // The governor grants it on the Ledger; each enclave applies the input as the governance caller's command.
    await grantIdentityIssuer(await operator(0), { ledger: deployment.contracts.ledger, issuer: kycIssuer.address })
    await catchUp()
    for (const account of await accountsOf(kycIssuer))
      expect(account.history.at(-1)).toMatchObject({
        direction: 'received',
        op: 'grantIssuer',
        counterparty: GOVERNANCE_CALLER,
        code: 0,
      })

    await post([alice, { op: 'transfer', to: carol.address, amount: 10n }])
    for (const account of await accountsOf(alice)) {
      expect(account.receipt).toMatchObject({ nonce: 1n, code: FAIL_RECIPIENT_NOT_ELIGIBLE })
      expect(account.receipt!.code >> 8).toBe(APP_TOKEN)
      expect(OUTCOME_NAMES[account.receipt!.code]).toBe(
        'the recipient lacks the identity attributes this token requires (e.g. KYC)',
      )
    }
    expect(await balancesOf(carol)).toEqual([0n, 0n])
    for (const account of await accountsOf(carol))
      expect(account.apps.identity).toEqual({ present: false, attributes: 0, jurisdiction: 0, expiresBlock: 0n })

    const expiresBlock = (await relayer.publicClient.getBlockNumber()) + 1000n
    await post([
      kycIssuer,
      { op: 'attest', subject: carol.address, attributes: ATTRIBUTE_KYC, jurisdiction: 392, expiresBlock },
    ])
    await post([alice, { op: 'transfer', to: carol.address, amount: 10n }])
    for (const account of await accountsOf(alice)) expect(account.receipt).toMatchObject({ nonce: 2n, code: OK })
    expect(await balancesOf(alice)).toEqual([30n, 30n])
    // Carol's own read shows both apps' sections: the balance and the attestation (read reply v2).
    for (const { apps } of await accountsOf(carol)) {
      expect(apps.token.balance).toBe(10n)
      expect(apps.identity).toEqual({ present: true, attributes: ATTRIBUTE_KYC, jurisdiction: 392, expiresBlock })
    }
    // Carol's history, built from the core's effects: attested by the KYC issuer, then paid by Alice.
    for (const account of await accountsOf(carol)) {
      expect(account.history).toMatchObject([
        { direction: 'received', op: 'attest', counterparty: kycIssuer.address, code: 0 },
        { direction: 'received', op: 'transfer', counterparty: alice.address, amount: 10n, code: 0 },
      ])
      expect(attestationOfAmount(account.history[0]!.amount)).toEqual({
        attributes: ATTRIBUTE_KYC,
        jurisdiction: 392,
        expiresBlock,
      })
    }
  })
})
