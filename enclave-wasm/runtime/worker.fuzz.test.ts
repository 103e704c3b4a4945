/**
 * A seeded fuzz run against the built Worker of a live member (anvil, one member holding epoch 1, an issued token):
 * thousands of garbage, oversize and malformed requests to every ECALL, and raw messages past the client. Each is
 * answered, none as `internal`, and afterwards the enclave serves with its seq and root unchanged.
 */
import { x25519 } from '@noble/curves/ed25519.js'
import { createWalletClient, hexToBytes, http, keccak256, toHex, type Hex } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ledgerAbi } from '../../contracts/generated/ledger'
import { createLedgerClients } from '../../host/chain/createLedgerClients'
import { startAnvil, type Anvil } from '../../host/chain/startAnvil'
import { deployStack } from '../../host/deployment/deployStack'
import type { Deployment } from '../../host/deployment/parseDeployment'
import { createEnclaveClient, type EnclaveClient } from '../../host/enclave/createEnclaveClient'
import { readAccount } from '../../host/envelopes/readAccount'
import { sealCommand } from '../../host/envelopes/sealCommand'
import { EnclaveRequestError } from '../../host/errors/enclave'
import type { LedgerClients } from '../../host/ledger/confirmTransaction'
import { readGroup } from '../../host/ledger/readGroup'
import { submitBatch } from '../../host/ledger/submitBatch'
import { createMemberNode } from '../../host/node/createMemberNode'
import { stepUntil } from '../../host/node/stepUntil'
import { memoryStore } from '../../host/storage/sealedStateStore'
import { aStrangersRead } from '../envelopes/strangersRead.fixture'
import type { CoreCommand } from '../envelopes/coreCommands'
import { nextAccumulator } from '../envelopes/inputAccumulator'
import { ENCLAVE_BUILD_DIR, launchNodeEnclave } from '../platform/launchNodeEnclave'
import { readEnclaveManifest } from '../platform/manifest'
import { createSimMachine, createSimPlatform } from '../platform/sim/createSimPlatform'
import {
  COMMAND_RECORD_BYTES,
  ENCLAVE_ERROR_CODES,
  INPUT_KIND,
  MAX_INPUT_PAYLOAD_BYTES,
  MAX_INPUTS_PER_INGEST,
  parseResponse,
  SESSION_RECORD_BYTES,
  type EnclaveMethod,
  type EnclaveResponse,
  type EnclaveStatus,
} from '../protocol'

const SEED = 0x11_2024
const REQUESTS = 5_000
const RAW_MESSAGES = 500
const METHODS: EnclaveMethod[] = [
  'getStatus',
  'bind',
  'attest',
  'ingest',
  'proposeRekey',
  'rotateInitKey',
  'seal',
  'precheck',
  'readAccount',
]
const UNKNOWN_METHODS = ['readKeys', '', 'constructor', '__proto__', 'toString', 'getstatus', 'dump', 'ingest ']
/** What a hostile request may be answered with; `internal` (the instance ends) is not among them. */
const REFUSALS = [ENCLAVE_ERROR_CODES.invalidRequest, ENCLAVE_ERROR_CODES.unknownMethod, ENCLAVE_ERROR_CODES.rejected]
const P = 2n ** 255n - 19n
const ORDER_8 = [
  325606250916557431795983626356110631294008115727848805560023387167927233504n,
  39382357235489614581723060781553021112529911719440698176882885853963445705823n,
]
/** Bernstein's 12 low-order encodings and one non-canonical key (9 with the high bit set), as little-endian hex. */
const BAD_X25519_KEYS = [
  0n,
  1n,
  ...ORDER_8,
  P - 1n,
  P,
  P + 1n,
  P + ORDER_8[0]!,
  P + ORDER_8[1]!,
  2n * P - 1n,
  2n * P,
  2n * P + 1n,
  2n ** 255n + 9n,
].map((u) => toHex(hexToBytes(toHex(u, { size: 32 })).reverse()))
const PARAM_NAMES = [
  'seq',
  'kind',
  'payload',
  'acc',
  'record',
  'account',
  'replyKey',
  'signature',
  'sealed',
  'chainId',
  'ledger',
  'operator',
  'anchorHash',
  'inputs',
  '__proto__',
  'x',
]

/** mulberry32: a tiny seeded PRNG for test data (not crypto), so a failing run replays exactly. */
function createRandom(seed: number) {
  let a = seed >>> 0
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const int = (n: number) => Math.floor(next() * n)
  const pick = <T>(items: readonly T[]): T => items[int(items.length)]!
  // Large buffers are one repeated byte: their size is what is under test, and filling them byte by byte is slow.
  const bytes = (length: number) =>
    length > 4096 ? new Uint8Array(length).fill(int(256)) : Uint8Array.from({ length }, () => int(256))
  const hex = (length: number) => toHex(bytes(length))
  const size = () =>
    pick([0, 1, 7, 8, 19, 20, 21, 31, 32, 33, 64, 65, 66, 95, 96, 97, 311, 312, 313, 8 + 312, 8 + 96 * 3, 1024])
  /** Any structured-cloneable value, biased to the boundary's edges. */
  const value = (depth = 0): unknown => {
    switch (int(depth > 2 ? 12 : 15)) {
      case 0:
        return undefined
      case 1:
        return null
      case 2:
        return pick([true, false, 0, -1, 1.5, NaN, Infinity, 2 ** 53, -(2 ** 31), 256])
      case 3:
        return pick([0n, -1n, 1n, 2n ** 64n, 2n ** 256n, 2n ** 256n - 1n, -(2n ** 255n)])
      case 4:
        return pick(['', '0x', '0x0', 'alice', `0x${'zz'.repeat(32)}`, `0X${'ab'.repeat(20)}`, 'x'.repeat(5_000)])
      case 5:
        return hex(size())
      case 6:
        return `0x${hex(size()).slice(2).toUpperCase()}`
      case 7:
        return bytes(size())
      case 8:
        return pick(BAD_X25519_KEYS)
      case 9:
        return new Uint8Array(new SharedArrayBuffer(size()))
      case 10:
        return pick([new ArrayBuffer(32), new Date(0), new Map([[1, 2]]), new Set([1]), new Uint16Array(16), /x/])
      case 11:
        return bytes(pick([MAX_INPUT_PAYLOAD_BYTES, MAX_INPUT_PAYLOAD_BYTES + 1, 70_000]))
      // Only the top level gets a huge array, so nesting stays bounded.
      case 12:
        return Array.from({ length: pick(depth === 0 ? [0, 1, 3, 1_001] : [0, 1, 3]) }, () =>
          int(4) === 0 ? value(depth + 1) : {},
        )
      case 13:
        return Object.fromEntries(Array.from({ length: int(5) }, () => [pick(PARAM_NAMES), value(depth + 1)]))
      default:
        return value(depth + 1)
    }
  }
  return { int, pick, bytes, hex, value, next }
}

type Random = ReturnType<typeof createRandom>

let anvil: Anvil
let deployment: Deployment
let enclave: EnclaveClient
let clients: LedgerClients
/** Every message the Worker sent, by id (raw messages use ids far above the client's). */
const answers = new Map<number, EnclaveResponse>()
let postRaw: (message: unknown) => void
const issuer = privateKeyToAccount(keccak256(toHex('issuer')))
const alice = privateKeyToAccount(keccak256(toHex('alice')))

beforeAll(async () => {
  anvil = await startAnvil()
  deployment = await deployStack({
    rpcUrl: anvil.rpcUrl,
    measurement: (await readEnclaveManifest(ENCLAVE_BUILD_DIR)).measurement,
  })
  const { transport } = await launchNodeEnclave({ platform: createSimPlatform(await createSimMachine()) })
  postRaw = (message) => transport.post(message)
  enclave = createEnclaveClient({
    transport: {
      ...transport,
      onMessage: (handler) =>
        transport.onMessage((data) => {
          const response = parseResponse(data)
          answers.set(response.id, response)
          handler(data)
        }),
    },
  })
  const [, operator] = await createWalletClient({ transport: http(anvil.rpcUrl) }).getAddresses()
  clients = createLedgerClients({
    rpcUrl: anvil.rpcUrl,
    chainId: deployment.chainId,
    account: operator!,
    pollingIntervalMs: 50,
  })
  const node = createMemberNode({ enclave, clients, deployment, store: memoryStore() })
  await node.bind()
  await stepUntil([node], ([s]) => s!.holdsEpoch && !s!.initKeyRotationDue)
  // State worth keeping: a token with an issuer and a balance, receipts and history.
  const group = await readGroup(clients.publicClient, { ledger: deployment.contracts.ledger })
  const deadlineBlock = (await clients.publicClient.getBlockNumber()) + 100n
  const {
    chainId,
    contracts: { ledger },
  } = deployment
  const { epoch, cmdPubKey } = group
  const seal = (nonce: bigint, command: CoreCommand) =>
    sealCommand({
      chainId: BigInt(chainId),
      ledger,
      epoch: Number(epoch),
      cmdPubKey,
      account: issuer.address,
      nonce,
      deadlineBlock,
      command,
      signTypedData: (t) => issuer.signTypedData(t),
    })
  const records = [await seal(0n, { op: 'init' }), await seal(1n, { op: 'mint', to: alice.address, amount: 100n })]
  const hash = await submitBatch(clients.walletClient, { ledger, records })
  await clients.publicClient.waitForTransactionReceipt({ hash })
  await stepUntil([node], ([s]) => s!.seq === group.seq + 1n)
}, 120_000)

afterAll(async () => {
  await enclave?.close()
  await anvil?.stop()
})

/** A read signed by a fresh account: what any stranger can send, here with a reply key of the fuzzer's choice. */
const aSignedRead = (replyKey: Hex) => aStrangersRead(BigInt(deployment.chainId), deployment.contracts.ledger, replyKey)

/** Well-formed params for `method` with one field, or the whole, replaced by garbage — or left valid. */
async function paramsFor(random: Random, method: EnclaveMethod, status: EnclaveStatus, acc: Hex): Promise<unknown> {
  const mutate = (params: Record<string, unknown>) => {
    const keys = Object.keys(params)
    if (random.int(4) === 0 || keys.length === 0) return params
    return { ...params, [random.pick(keys)]: random.value() }
  }
  switch (method) {
    case 'getStatus':
    case 'proposeRekey':
    case 'answerRekey':
    case 'rotateInitKey':
    case 'seal':
    case 'takeCheckpoints':
      return random.int(3) === 0 ? undefined : random.value()
    case 'restore':
      return mutate({
        checkpoint: mutate({
          seq: status.seq,
          acc,
          stateRoot: random.hex(32),
          snapshotHash: random.hex(32),
          withdrawalRoot: random.hex(32),
          auditRoot: random.hex(32),
        }),
        signatures: [{ signer: random.hex(20), signature: random.hex(65) }],
        snapshot: random.bytes(random.int(2_000)),
      })
    case 'vouch':
      return mutate({ signer: random.hex(20), transaction: random.hex(random.int(400)) })
    case 'bind':
      return mutate({
        chainId: BigInt(deployment.chainId),
        ledger: deployment.contracts.ledger,
        sealed: random.bytes(random.int(2_000)),
      })
    case 'attest':
      return mutate({ operator: random.hex(20), anchorHash: random.hex(32) })
    case 'precheck':
      return mutate({
        record: random.hex(random.pick([COMMAND_RECORD_BYTES, SESSION_RECORD_BYTES])),
        blockNumber: BigInt(random.int(1_000)),
      })
    case 'readAccount':
      // Signed, so the enclave gets past the signature check to the reply key (the review's attack); or unsigned for a
      // good key, which reaches the signature check.
      if (random.int(8) === 0) return mutate(await aSignedRead(random.pick(BAD_X25519_KEYS)))
      return mutate({
        account: random.hex(20),
        replyKey: toHex(x25519.getPublicKey(random.bytes(32))),
        expiresAt: BigInt(Math.floor(Date.now() / 1000) + random.int(7_200)),
        requestNonce: random.hex(32),
        signature: random.hex(65),
      })
    case 'ingest': {
      const kind = random.pick([...Object.values(INPUT_KIND), 0, 8, 255])
      const payload =
        random.int(3) === 0 ? random.value() : random.bytes(random.pick([0, 3, 8, 13, 103, 64, 127, 129, 321, 70_000]))
      const seq = random.pick([status.seq + 1n, status.seq, 0n, status.seq + 2n])
      // Half of the next inputs continue the stream under the right accumulator, so the replay itself meets them.
      const continues =
        seq === status.seq + 1n &&
        payload instanceof Uint8Array &&
        payload.buffer instanceof ArrayBuffer &&
        random.int(2) === 0
      const inputAcc = continues ? nextAccumulator(acc, seq, kind, payload) : random.hex(32)
      const input =
        random.int(2) === 0 ? { seq, kind, payload, acc: inputAcc } : mutate({ seq, kind, payload, acc: inputAcc })
      const count = random.pick([1, 1, 2, MAX_INPUTS_PER_INGEST, MAX_INPUTS_PER_INGEST + 1])
      const filler = (i: number) => ({ seq: seq + BigInt(i), kind, payload: new Uint8Array(0), acc })
      return { inputs: Array.from({ length: count }, (_, i) => (i === 0 ? input : filler(i))) }
    }
  }
}

/** Whether a forged input could apply: one whose payload the replay accepts as well-formed would change seq and root. */
function appliesIfForged(params: unknown): boolean {
  const input = (params as { inputs?: { kind?: unknown; payload?: unknown }[] } | undefined)?.inputs?.[0]
  if (!input || !(input.payload instanceof Uint8Array)) return false
  const { kind, payload } = input
  if (kind === INPUT_KIND.rekeyRequested) return true
  // A divergence decodes from any three words, a resume or a checkpoint request from any one (the host can always
  // fabricate those for its own enclave; an accepted checkpoint needs members' signatures, so it cannot).
  if (kind === INPUT_KIND.divergence) return payload.byteLength >= 96
  if (kind === INPUT_KIND.resumed || kind === INPUT_KIND.checkpointRequested) return payload.byteLength >= 32
  if (kind === INPUT_KIND.commandBatch)
    return payload.byteLength > 8 && (payload.byteLength - 8) % COMMAND_RECORD_BYTES === 0
  if (kind === INPUT_KIND.sessionBatch)
    return payload.byteLength > 8 && (payload.byteLength - 8) % SESSION_RECORD_BYTES === 0
  // memberAdded decodes from any four words, an issuer grant from any three, memberRemoved and initKeyUpdated from any two.
  if (kind === INPUT_KIND.memberAdded) return payload.byteLength >= 128
  if (kind === INPUT_KIND.identityIssuerGranted) return payload.byteLength >= 96
  return (kind === INPUT_KIND.memberRemoved || kind === INPUT_KIND.initKeyUpdated) && payload.byteLength >= 64
}

describe('enclave Worker fuzz', () => {
  it(`answers ${REQUESTS} hostile requests and ${RAW_MESSAGES} raw messages (seed ${SEED}), then serves with seq and root unchanged`, {
    timeout: 60_000,
  }, async () => {
    const random = createRandom(SEED)
    const before = await enclave.getStatus()
    const { ledger } = deployment.contracts
    const acc = await clients.publicClient.readContract({
      address: ledger,
      abi: ledgerAbi,
      functionName: 'accumulatorAt',
      args: [before.seq],
    })
    const codes = new Map<string, number>()
    let skipped = 0
    for (let i = 0; i < REQUESTS; i++) {
      const known = random.int(10) !== 0
      const method = known ? random.pick(METHODS) : random.pick(UNKNOWN_METHODS)
      const params = known ? await paramsFor(random, method as EnclaveMethod, before, acc) : random.value()
      if (method === 'ingest' && appliesIfForged(params)) {
        // A well-formed lie under the right accumulator is applied (no light client yet: README, limits); not a crash.
        skipped++
        continue
      }
      const outcome = await enclave.request(method as EnclaveMethod, params as never).then(
        () => 'ok',
        (error: unknown) => {
          expect(error, `${method} #${i}`).toBeInstanceOf(EnclaveRequestError)
          const { code } = error as EnclaveRequestError
          expect(REFUSALS, `${method} #${i} answered ${error}`).toContain(code)
          return String(code)
        },
      )
      codes.set(`${method}:${outcome}`, (codes.get(`${method}:${outcome}`) ?? 0) + 1)
    }

    // Past the client: messages that are not requests at all, unreadable ids, ids the client never uses.
    const RAW_BASE = 2 ** 40
    const rawIds: number[] = []
    for (let i = 0; i < RAW_MESSAGES; i++) {
      const id = random.int(4) === 0 ? random.value() : RAW_BASE + i
      const shapes = [
        () => random.value(),
        () => ({ id, method: random.pick(METHODS), params: random.value() }),
        () => ({ id }),
        () => ({ method: 'getStatus' }),
      ]
      const message = random.pick(shapes)()
      if (typeof message === 'object' && message !== null && 'id' in message && message.id === RAW_BASE + i)
        rawIds.push(RAW_BASE + i)
      postRaw(message)
    }

    const after = await enclave.getStatus()
    expect(after).toMatchObject({
      seq: before.seq,
      root: before.root,
      epoch: before.epoch,
      members: before.members,
      holdsEpoch: true,
    })
    expect(after.seq).toBeGreaterThanOrEqual(4n)
    expect([...answers.values()].filter((a) => !a.ok && a.error.code === ENCLAVE_ERROR_CODES.internal)).toEqual([])
    // Every raw request with a usable id was answered under it (FIFO: all were handled before that getStatus).
    expect(rawIds.filter((id) => !answers.has(id))).toEqual([])
    // And it still does its job: Alice's own wallet reads her balance.
    const read = await readAccount(enclave, {
      chainId: BigInt(deployment.chainId),
      ledger,
      account: alice.address,
      signTypedData: (t) => alice.signTypedData(t),
    })
    expect(read.apps.token.balance).toBe(100n)
    // The run reached past the parser into the handlers: the replay, the signature check, the bound state.
    for (const method of METHODS)
      expect(
        [...codes.keys()].some((key) => key.startsWith(`${method}:`)),
        method,
      ).toBe(true)
    for (const reached of ['ingest:7', 'readAccount:7', 'bind:7', 'attest:ok', 'precheck:ok'])
      expect(codes.get(reached), reached).toBeGreaterThan(20)
    expect(skipped).toBeLessThan(REQUESTS / 20)
  })
})
