/**
 * The confidential wallet against a real stack: anvil, the deployed Ledger and one member enclave. Commands are
 * sealed by the wallet, posted by the user's own transaction (a direct poster with the enclave's precheck), applied
 * by the member, and read back through signed reads: one read-key signature per wallet, however many reads.
 */
import {
  createPublicClient,
  custom,
  decodeAbiParameters,
  decodeFunctionResult,
  encodeAbiParameters,
  encodeFunctionResult,
  getAbiItem,
  isAddressEqual,
  keccak256,
  toFunctionSelector,
  toHex,
  type Hex,
  type PublicClient,
  type TypedDataDefinition,
} from 'viem'
import { privateKeyToAccount, serializeSignature, sign, type PrivateKeyAccount } from 'viem/accounts'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { ledgerAbi } from '../../contracts/generated/ledger'
import { rekeyDigest } from '../../enclave-wasm/envelopes/rekeyDigest'
import { decodeRekeyInput, REKEY_PAYLOAD } from '../../enclave-wasm/envelopes/rekeyInput'
import { ENCLAVE_BUILD_DIR } from '../../enclave-wasm/platform/launchNodeEnclave'
import { readEnclaveManifest } from '../../enclave-wasm/platform/manifest'
import { createSimMachine } from '../../enclave-wasm/platform/sim/createSimPlatform'
import { ENCLAVE_ERROR_CODES, INPUT_KIND, SESSION_RECORD_BYTES } from '../../enclave-wasm/protocol'
import { FAIL_INSUFFICIENT_BALANCE } from '../../enclave-wasm/shared/apps/token'
import { unlockedAccountClients } from '../chain/createLedgerClients'
import { startAnvil, type Anvil } from '../chain/startAnvil'
import { deployStack } from '../deployment/deployStack'
import type { Deployment } from '../deployment/parseDeployment'
import type { EnclaveClient } from '../enclave/createEnclaveClient'
import { startNodeEnclave } from '../enclave/startNodeEnclave'
import { createAccountReader, type ReadTypedData } from '../envelopes/readAccount'
import { EnclaveRequestError } from '../errors/enclave'
import { EpochKeyNotVerifiedError } from '../errors/ledger'
import type { LedgerClients } from '../ledger/confirmTransaction'
import { readGroup } from '../ledger/readGroup'
import { createMemberNode, type MemberNode } from '../node/createMemberNode'
import { stepUntil } from '../node/stepUntil'
import { memoryStore } from '../storage/sealedStateStore'
import {
  CommandRefusedByNodeError,
  createConfidentialWallet,
  NoLiveSessionError,
  type CommandPoster,
  type ConfidentialWallet,
} from './confidentialWallet'
import { createDirectPoster } from './directPoster'
import type { SavedSession, SessionStore } from './sessionStore'

const person = (name: string) => privateKeyToAccount(keccak256(toHex(name)))
const issuer = person('issuer')
const alice = person('alice')
const bob = person('bob')

let anvil: Anvil
let deployment: Deployment
let enclave: EnclaveClient
let node: MemberNode
/** The anvil account that pays for the users' own transactions (their wallets hold the keys, not ETH). */
let payer: LedgerClients

/** An in-memory session store that keeps every save, as a file or IndexedDB would keep the last one. */
function memorySessions(): SessionStore & { saves: SavedSession[] } {
  let current: SavedSession | undefined
  const saves: SavedSession[] = []
  return {
    saves,
    load: async () => current,
    save: async (session) => {
      saves.push(session)
      current = session
    },
    forget: async () => {
      current = undefined
    },
  }
}

/** What the poster saw at the moment a record was handed to it: its size and the session store's contents. */
type Posting = { bytes: number; stored: SavedSession | undefined; taken: boolean }

/** A user's wallet: signer calls are counted by primary type, postings recorded, and the member synced after each. */
function aWallet(
  who: PrivateKeyAccount,
  options: { signer?: PrivateKeyAccount; syncAfterPost?: boolean; publicClient?: PublicClient } = {},
) {
  const signer = options.signer ?? who
  const signed: string[] = []
  const sessions = memorySessions()
  const postings: Posting[] = []
  const direct = createDirectPoster({
    clients: payer,
    ledger: deployment.contracts.ledger,
    precheck: async (record, blockNumber) => (await enclave.precheck({ record: toHex(record), blockNumber })).accepted,
  })
  const poster: CommandPoster = {
    async postCommand(record) {
      const stored = await sessions.load()
      const taken = await direct.postCommand(record)
      postings.push({ bytes: record.byteLength, stored: stored && { ...stored }, taken })
      if (taken && options.syncAfterPost !== false) await syncMember()
      return taken
    },
  }
  const wallet: ConfidentialWallet = createConfidentialWallet({
    chainId: BigInt(deployment.chainId),
    ledger: deployment.contracts.ledger,
    account: who.address,
    signTypedData: (typedData: TypedDataDefinition) => {
      signed.push(String(typedData.primaryType))
      return signer.signTypedData(typedData)
    },
    publicClient: options.publicClient ?? payer.publicClient,
    fromBlock: BigInt(deployment.deployBlock),
    finality: deployment.finality,
    readers: [{ name: 'the member', reader: enclave }],
    poster,
    sessions,
  })
  return { wallet, signed, sessions, postings }
}

/** Steps the member until it has applied every input on chain, so a receipt is there at the first read. */
async function syncMember() {
  const { seq } = await readGroup(payer.publicClient, { ledger: deployment.contracts.ledger })
  await stepUntil([node], ([status]) => status!.seq === seq)
}
const chainSeq = async () => (await readGroup(payer.publicClient, { ledger: deployment.contracts.ledger })).seq

type LedgerRead = 'currentEpoch' | 'isMeasurementAllowed' | 'isActive'

/**
 * A lying RPC: the chain's answers, each passed through `rewrite` first. Stands for a malicious node, or a proxy
 * between the wallet and an honest one.
 */
function rewritingRpc(rewrite: (method: string, params: unknown[], answer: unknown) => unknown): PublicClient {
  const transport = custom({
    async request({ method, params }: { method: string; params: unknown }) {
      const list = Array.isArray(params) ? params : []
      return rewrite(method, list, await payer.publicClient.request({ method, params } as never))
    },
  })
  return createPublicClient({ transport, pollingInterval: 50 })
}

/** A lying RPC whose answers to the Ledger's `functionName` view are rewritten by `lie`. */
function lyingRpc(functionName: LedgerRead, lie: (answer: Hex) => Hex): PublicClient {
  const selector = toFunctionSelector(getAbiItem({ abi: ledgerAbi, name: functionName }))
  return rewritingRpc((method, [call], answer) => {
    const { to, data, input } = (call ?? {}) as { to?: Hex; data?: Hex; input?: Hex }
    const toLedger = method === 'eth_call' && to !== undefined && isAddressEqual(to, deployment.contracts.ledger)
    return toLedger && (data ?? input)?.startsWith(selector) ? lie(answer as Hex) : answer
  })
}

/** The RPC answers currentEpoch() with the real epoch and commitment but `cmdPubKey` as its key. */
const forgingEpochKey = (cmdPubKey: Hex) =>
  lyingRpc('currentEpoch', (answer) => {
    const [epoch, , commit] = decodeFunctionResult({ abi: ledgerAbi, functionName: 'currentEpoch', data: answer })
    return encodeFunctionResult({ abi: ledgerAbi, functionName: 'currentEpoch', result: [epoch, cmdPubKey, commit] })
  })

let issuerWallet: ReturnType<typeof aWallet>
let aliceWallet: ReturnType<typeof aWallet>
let bobWallet: ReturnType<typeof aWallet>

beforeAll(async () => {
  anvil = await startAnvil()
  deployment = await deployStack({
    rpcUrl: anvil.rpcUrl,
    measurement: (await readEnclaveManifest(ENCLAVE_BUILD_DIR)).measurement,
  })
  const clientsOf = await unlockedAccountClients(anvil.rpcUrl, deployment.chainId)
  payer = clientsOf(3)
  ;({ client: enclave } = await startNodeEnclave({ machine: await createSimMachine() }))
  node = createMemberNode({ enclave, clients: clientsOf(1), deployment, store: memoryStore() })
  await node.bind()
  await stepUntil(
    [node],
    ([s]) => s!.members.length === 1 && s!.holdsEpoch && !s!.rekeyNeeded && !s!.initKeyRotationDue,
  )
  issuerWallet = aWallet(issuer)
  aliceWallet = aWallet(alice)
  bobWallet = aWallet(bob)
}, 120_000)

afterAll(async () => {
  await enclave?.close().catch(() => {})
  await anvil?.stop()
})

describe('createConfidentialWallet', { timeout: 60_000 }, () => {
  it('mints and transfers, each applied with a receipt for its nonce', async () => {
    const { wallet: issued } = issuerWallet
    const init = await issued.send({ op: 'init' })
    expect((await issued.waitForReceipt(init)).receipt).toMatchObject({ nonce: 0n, code: 0 })
    const mint = await issued.send({ op: 'mint', to: alice.address, amount: 10_000n })
    expect(mint.nonce).toBe(1n)
    expect((await issued.waitForReceipt(mint)).receipt).toMatchObject({ nonce: 1n, code: 0 })

    const transfer = await aliceWallet.wallet.send({ op: 'transfer', to: bob.address, amount: 6_000n })
    const applied = await aliceWallet.wallet.waitForReceipt(transfer)
    expect(applied.receipt).toMatchObject({ nonce: 0n, code: 0 })
    expect(applied.receipt.seq).toBeGreaterThan(transfer.afterSeq)
    expect(applied).toMatchObject({ apps: { token: { balance: 4_000n } }, nonce: 1n })
    expect((await bobWallet.wallet.read()).apps.token.balance).toBe(6_000n)
    // A signed command goes out as a 312-byte sealed record; the wallet signed the read key once and the command once.
    expect(aliceWallet.postings.map((p) => p.bytes)).toEqual([312])
    expect(aliceWallet.signed).toEqual(['Read', 'TokenTransfer'])
  })

  it('error: a session send without a live session throws NoLiveSessionError and posts nothing', async () => {
    const seq = await chainSeq()
    await expect(
      aliceWallet.wallet.send({ op: 'transfer', to: bob.address, amount: 1n }, { session: true }),
    ).rejects.toBeInstanceOf(NoLiveSessionError)
    // A key in the store that the enclave never granted is no live session either.
    const { epoch } = await readGroup(payer.publicClient, { ledger: deployment.contracts.ledger })
    await aliceWallet.sessions.save({
      chainId: `${deployment.chainId}`,
      ledger: deployment.contracts.ledger,
      account: alice.address,
      epoch: `${epoch}`,
      sessionKey: keccak256(toHex('never granted')),
      next: '0',
    })
    await expect(
      aliceWallet.wallet.send({ op: 'transfer', to: bob.address, amount: 1n }, { session: true }),
    ).rejects.toBeInstanceOf(NoLiveSessionError)
    await aliceWallet.wallet.forgetSession()
    expect(aliceWallet.postings).toHaveLength(1)
    expect(await chainSeq()).toBe(seq)
    expect((await aliceWallet.wallet.read()).apps.token.balance).toBe(4_000n)
  })

  it('starts a session, then session sends apply with the store counter saved before each record is posted', async () => {
    const { wallet, sessions, postings } = aliceWallet
    const signaturesBefore = aliceWallet.signed.length
    const savesBefore = sessions.saves.length
    const started = await wallet.startSession({ blocks: 1_000n })
    expect((await wallet.waitForReceipt(started)).receipt.code).toBe(0)
    // The key was in the store before the grant that names it went on chain.
    const grant = postings.at(-1)!
    expect(grant).toMatchObject({ bytes: 312, taken: true, stored: { account: alice.address, next: '0' } })
    expect((await wallet.read()).apps.session).toMatchObject({ next: 0n })

    for (const [i, amount] of [100n, 250n].entries()) {
      const posted = await wallet.send({ op: 'transfer', to: bob.address, amount }, { session: true })
      const { receipt, apps } = await wallet.waitForReceipt(posted)
      expect(receipt.code).toBe(0)
      expect(apps.session?.next).toBe(BigInt(i + 1))
      // At post time the store already covered this record's counter: a crash now cannot reuse it.
      expect(postings.at(-1)).toEqual({
        bytes: SESSION_RECORD_BYTES,
        taken: true,
        stored: { ...grant.stored, next: `${i + 1}` },
      })
    }
    expect(sessions.saves.slice(savesBefore).map((s) => s.next)).toEqual(['0', '1', '2'])
    expect((await wallet.read()).apps.token.balance).toBe(4_000n - 350n)
    expect((await bobWallet.wallet.read()).apps.token.balance).toBe(6_000n + 350n)
    // Two session transfers, no signature: only the grant was signed.
    expect(aliceWallet.signed.slice(signaturesBefore)).toEqual(['SessionGrant'])
  })

  it('error: a session record the enclave cannot open is refused before posting (CommandRefusedByNodeError)', async () => {
    const { wallet, sessions, postings } = aliceWallet
    const saved = (await sessions.load())!
    const seq = await chainSeq()
    await sessions.save({ ...saved, sessionKey: keccak256(toHex('a key the enclave does not hold')) })
    await expect(
      wallet.send({ op: 'transfer', to: bob.address, amount: 1n }, { session: true }),
    ).rejects.toBeInstanceOf(CommandRefusedByNodeError)
    expect(postings.at(-1)!.taken).toBe(false)
    expect(await chainSeq()).toBe(seq)
    await sessions.save(saved)
  })

  it('an overspend is applied as a refusal: its receipt carries FAIL_INSUFFICIENT_BALANCE and nothing moves', async () => {
    const before = await aliceWallet.wallet.read()
    for (const session of [false, true]) {
      const posted = await aliceWallet.wallet.send(
        { op: 'transfer', to: bob.address, amount: before.apps.token.balance + 1n },
        { session },
      )
      const { receipt, apps } = await aliceWallet.wallet.waitForReceipt(posted)
      expect(receipt, `session: ${session}`).toMatchObject({ nonce: posted.nonce, code: FAIL_INSUFFICIENT_BALANCE })
      expect(apps.token.balance, `session: ${session}`).toBe(before.apps.token.balance)
    }
    expect((await bobWallet.wallet.read()).apps.token.balance).toBe(6_350n)
  })

  it('asks for one read signature across every read and send of a wallet', async () => {
    for (const { signed } of [issuerWallet, aliceWallet, bobWallet])
      expect(signed.filter((t) => t === 'Read')).toEqual(['Read'])
    // The reader on its own: three reads, one signature.
    const primaryTypes: string[] = []
    const reader = createAccountReader({
      chainId: BigInt(deployment.chainId),
      ledger: deployment.contracts.ledger,
      account: bob.address,
      signTypedData: (typedData) => {
        primaryTypes.push(typedData.primaryType)
        return bob.signTypedData(typedData)
      },
    })
    const replies = [
      await reader.read(enclave, 'the member'),
      await reader.read(enclave, 'the member'),
      await reader.read(enclave, 'the member'),
    ]
    expect(replies.map((r) => r.account.apps.token.balance)).toEqual([6_350n, 6_350n, 6_350n])
    expect(primaryTypes).toEqual(['Read'])
  })

  it('behavior: a read key is signed again once it nears its expiry, and reads at once of an expiring key sign once', async () => {
    const primaryTypes: string[] = []
    const reader = (keySeconds?: bigint) =>
      createAccountReader({
        chainId: BigInt(deployment.chainId),
        ledger: deployment.contracts.ledger,
        account: bob.address,
        keySeconds,
        signTypedData: (typedData) => {
          primaryTypes.push(typedData.primaryType)
          return bob.signTypedData(typedData)
        },
      })
    // A key living 60 s is within the 60 s renewal margin at once: each read signs a new one.
    const shortLived = reader(60n)
    await shortLived.read(enclave, 'the member')
    await shortLived.read(enclave, 'the member')
    expect(primaryTypes).toEqual(['Read', 'Read'])
    // An hour-long key read again 59 minutes later: three reads started together sign its successor once.
    const hourly = reader()
    await hourly.read(enclave, 'the member')
    const later = Date.now() + 59 * 60_000
    const clock = vi.spyOn(Date, 'now').mockImplementation(() => later)
    try {
      const replies = await Promise.all([1, 2, 3].map(() => hourly.read(enclave, 'the member')))
      expect(replies.map((r) => r.account.apps.token.balance)).toEqual([6_350n, 6_350n, 6_350n])
    } finally {
      clock.mockRestore()
    }
    expect(primaryTypes).toEqual(['Read', 'Read', 'Read', 'Read'])
  })

  it('behavior: a read signature the user refused is asked for again on the next read', async () => {
    let refusals = 1
    const asked: string[] = []
    const reader = createAccountReader({
      chainId: BigInt(deployment.chainId),
      ledger: deployment.contracts.ledger,
      account: bob.address,
      signTypedData: async (typedData) => {
        asked.push(typedData.primaryType)
        if (refusals-- > 0) throw new Error('User rejected the request.')
        return bob.signTypedData(typedData)
      },
    })
    await expect(reader.read(enclave, 'the member')).rejects.toThrow('User rejected the request.')
    expect((await reader.read(enclave, 'the member')).account.apps.token.balance).toBe(6_350n)
    expect((await reader.read(enclave, 'the member')).account.apps.token.balance).toBe(6_350n)
    expect(asked).toEqual(['Read', 'Read'])
  })

  it('error: the enclave refuses a read signed by another account, and a signature replayed for another account', async () => {
    // Bob's key signing a read for Alice's account.
    const impostor = aWallet(alice, { signer: bob })
    const refused = await impostor.wallet.read().catch((error: unknown) => error)
    expect(refused).toBeInstanceOf(EnclaveRequestError)
    expect((refused as EnclaveRequestError).code).toBe(ENCLAVE_ERROR_CODES.rejected)
    expect(impostor.signed).toEqual(['Read'])

    // Alice's own read signature, replayed with Bob's account.
    let captured: { typedData: ReadTypedData; signature: Hex } | undefined
    const reader = createAccountReader({
      chainId: BigInt(deployment.chainId),
      ledger: deployment.contracts.ledger,
      account: alice.address,
      signTypedData: async (typedData) => {
        const signature = await alice.signTypedData(typedData)
        captured = { typedData, signature }
        return signature
      },
    })
    expect((await reader.read(enclave, 'the member')).account.apps.token.balance).toBe(3_650n)
    const { typedData, signature } = captured!
    await expect(
      enclave.readAccount({ ...typedData.message, requestNonce: `0x${'01'.repeat(32)}`, signature }),
    ).resolves.toMatchObject({ reply: expect.any(String) })
    const replayed = await enclave
      .readAccount({ ...typedData.message, account: bob.address, requestNonce: `0x${'01'.repeat(32)}`, signature })
      .catch((error: unknown) => error)
    expect(replayed).toBeInstanceOf(EnclaveRequestError)
    expect((replayed as EnclaveRequestError).code).toBe(ENCLAVE_ERROR_CODES.rejected)
  })

  it('error: a forged epoch key from the RPC is refused (EpochKeyNotVerifiedError) before anything is sealed or posted', async () => {
    // The key a lying node would like commands sealed to: one whose private half it holds.
    const liar = aWallet(alice, { publicClient: forgingEpochKey(keccak256(toHex('the host knows this key'))) })
    const seq = await chainSeq()
    const error = await liar.wallet.send({ op: 'transfer', to: bob.address, amount: 1n }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(EpochKeyNotVerifiedError)
    expect((error as EpochKeyNotVerifiedError).shortMessage).toContain('does not match the one')
    expect(liar.postings).toEqual([])
    expect(liar.signed).not.toContain('TokenTransfer')
    expect(await chainSeq()).toBe(seq)
  })

  it('error: an epoch key whose proposer is no longer active, or runs a measurement no longer allowed, is refused', async () => {
    const no = (functionName: 'isActive' | 'isMeasurementAllowed') =>
      lyingRpc(functionName, () => encodeFunctionResult({ abi: ledgerAbi, functionName, result: false }))
    for (const [functionName, problem] of [
      ['isActive', 'is not an active member'],
      ['isMeasurementAllowed', 'is not allowed'],
    ] as const) {
      const liar = aWallet(alice, { publicClient: no(functionName) })
      const error = await liar.wallet.send({ op: 'transfer', to: bob.address, amount: 1n }).catch((e: unknown) => e)
      expect(error, functionName).toBeInstanceOf(EpochKeyNotVerifiedError)
      expect((error as EpochKeyNotVerifiedError).shortMessage).toContain(problem)
      expect(liar.postings).toEqual([])
    }
  })

  it('error: an epoch key whose rekey input carries a signature not made by its proposer is refused', async () => {
    const impostor = keccak256(toHex('not the proposer enclave'))
    const resigned = rewritingRpc(async (method, _params, answer) => {
      if (method !== 'eth_getLogs' || !Array.isArray(answer)) return answer
      return Promise.all(
        (answer as { topics: Hex[]; data: Hex }[]).map(async (log) => {
          if (log.topics[2] !== toHex(INPUT_KIND.rekey, { size: 32 })) return log
          const [acc, payload] = decodeAbiParameters([{ type: 'bytes32' }, { type: 'bytes' }], log.data)
          const rekey = decodeRekeyInput(payload)
          const digest = rekeyDigest({
            chainId: BigInt(deployment.chainId),
            ledger: deployment.contracts.ledger,
            ...rekey,
          })
          const signature = serializeSignature(await sign({ hash: digest, privateKey: impostor }))
          const { epoch, proposer, setHash, cmdPubKey, commit, shares, atSeq } = rekey
          const forged = encodeAbiParameters(REKEY_PAYLOAD, [
            epoch,
            proposer,
            setHash,
            cmdPubKey,
            commit,
            shares,
            atSeq,
            signature,
          ])
          return { ...log, data: encodeAbiParameters([{ type: 'bytes32' }, { type: 'bytes' }], [acc, forged]) }
        }),
      )
    })
    const liar = aWallet(alice, { publicClient: resigned })
    const error = await liar.wallet.send({ op: 'transfer', to: bob.address, amount: 1n }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(EpochKeyNotVerifiedError)
    expect((error as EpochKeyNotVerifiedError).shortMessage).toContain('is not signed by its proposer')
    expect(liar.postings).toEqual([])
  })

  it('behavior: a second send before the first is applied takes the next nonce, so both apply', async () => {
    const quick = aWallet(alice, { syncAfterPost: false })
    const before = await quick.wallet.read()
    const first = await quick.wallet.send({ op: 'transfer', to: bob.address, amount: 1n })
    const second = await quick.wallet.send({ op: 'transfer', to: bob.address, amount: 2n })
    expect(second.nonce).toBe(first.nonce + 1n)
    await syncMember()
    // The first's outcome is still found although the second's receipt took its place.
    expect((await quick.wallet.waitForReceipt(first)).receipt).toMatchObject({ nonce: first.nonce, code: 0 })
    const after = await quick.wallet.waitForReceipt(second)
    expect(after.receipt.code).toBe(0)
    expect(after.nonce).toBe(before.nonce + 2n)
    expect(after.apps.token.balance).toBe(before.apps.token.balance - 3n)
  })
})
