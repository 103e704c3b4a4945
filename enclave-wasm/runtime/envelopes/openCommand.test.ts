/** Sealed commands from wallet to enclave: what opens, what is refused, and what an observer of the record sees. */
import { keccak256, toHex, type Hex } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { beforeAll, describe, expect, it } from 'vitest'
import { sealCommand, type SealCommandParameters } from '../../../host/envelopes/sealCommand'
import {
  COMMAND_RECORD_BYTES,
  commandInfo,
  encodeCommandHeader,
  encodeCommandPlaintext,
} from '../../envelopes/commandEnvelope'
import { sealTo } from '../../envelopes/hpkeSuite'
import { encodeCoreCommand } from '../../envelopes/coreCommands'
import { deriveEpochKeys } from '../group/keySchedule'
import { openCommand } from './openCommand'

const LEDGER = '0x5FbDB2315678afecb367f032d93F642f64180aa3'
const alice = privateKeyToAccount(keccak256(toHex('alice')))
const bob = privateKeyToAccount(keccak256(toHex('bob')))
let epochKey: { publicKey: Hex; privateKey: Uint8Array }

beforeAll(async () => {
  epochKey = (await deriveEpochKeys(new Uint8Array(32).fill(7), 1n)).command
})

const aSealedTransfer = (overrides: Partial<SealCommandParameters> = {}) =>
  sealCommand({
    chainId: 31337n,
    ledger: LEDGER,
    epoch: 1,
    cmdPubKey: epochKey.publicKey,
    account: alice.address,
    nonce: 0n,
    deadlineBlock: 100n,
    command: { op: 'transfer', to: bob.address, amount: 60n },
    signTypedData: (typedData) => alice.signTypedData(typedData),
    ...overrides,
  })

const open = (record: Uint8Array, overrides: Partial<Parameters<typeof openCommand>[0]> = {}) =>
  openCommand({
    record,
    chainId: 31337n,
    ledger: LEDGER,
    commandKeyOf: (e) => (e === 1 ? epochKey.privateKey : undefined),
    blockNumber: 50n,
    ...overrides,
  })

describe('sealed command envelope', () => {
  it('opens to the signed command of the account that signed it', async () => {
    const record = await aSealedTransfer()
    expect(await open(record)).toEqual({
      ok: true,
      account: alice.address.toLowerCase(),
      nonce: 0n,
      command: encodeCoreCommand(alice.address, 0n, { op: 'transfer', to: bob.address, amount: 60n }),
      decoded: { op: 'transfer', to: bob.address.toLowerCase(), amount: 60n },
    })
  })

  it('shows an observer a fixed-size record with neither party nor amount in it', async () => {
    const record = await aSealedTransfer()
    expect(record.byteLength).toBe(COMMAND_RECORD_BYTES)
    const hex = toHex(record).toLowerCase()
    for (const secret of [alice.address.slice(2).toLowerCase(), bob.address.slice(2).toLowerCase(), '000000000000003c'])
      expect(hex).not.toContain(secret)
    // Two seals of the same command differ (fresh HPKE encapsulation): records cannot be linked by equality.
    expect(toHex(await aSealedTransfer())).not.toBe(toHex(record))
  })

  it('error: a changed header (another epoch) no longer decrypts, even where that epoch has a key', async () => {
    const record = await aSealedTransfer()
    record.set(encodeCommandHeader(2), 0)
    expect(await open(record, { commandKeyOf: () => epochKey.privateKey })).toEqual({
      ok: false,
      reason: 'undecryptable',
    })
    expect(await open(record)).toEqual({ ok: false, reason: 'unknown epoch' })
  })

  it('error: a flipped ciphertext bit, another deployment or another key is undecryptable', async () => {
    const record = await aSealedTransfer()
    const flipped = record.slice()
    flipped[100]! ^= 1
    expect((await open(flipped)).ok).toBe(false)
    expect(await open(record, { chainId: 1n })).toEqual({ ok: false, reason: 'undecryptable' })
    const other = (await deriveEpochKeys(new Uint8Array(32).fill(8), 1n)).command
    expect(await open(record, { commandKeyOf: () => other.privateKey })).toEqual({ ok: false, reason: 'undecryptable' })
  })

  it('error: a command signed by someone else than its account is refused', async () => {
    const forged = await aSealedTransfer({ signTypedData: (typedData) => bob.signTypedData(typedData) })
    expect(await open(forged)).toEqual({ ok: false, reason: 'bad signature' })
  })

  it('error: a command sequenced after its deadline block is refused', async () => {
    expect(await open(await aSealedTransfer({ deadlineBlock: 49n }))).toMatchObject({
      ok: false,
      reason: 'expired',
      account: alice.address.toLowerCase(),
      nonce: 0n,
    })
  })

  it('error: wrong sizes and non-zero padding are malformed', async () => {
    expect(await open(new Uint8Array(COMMAND_RECORD_BYTES - 1))).toEqual({ ok: false, reason: 'malformed' })
    const plaintext = encodeCommandPlaintext(
      `0x${'11'.repeat(65)}`,
      100n,
      encodeCoreCommand(alice.address, 0n, { op: 'init' }),
    )
    plaintext[255] = 1
    const header = encodeCommandHeader(1)
    const record = new Uint8Array([
      ...header,
      ...(await sealTo(epochKey.publicKey, commandInfo(31337n, LEDGER, 1), header, plaintext)),
    ])
    expect(await open(record)).toEqual({ ok: false, reason: 'malformed' })
  })
})
