/**
 * A sealed batch against the compiled core.wasm: records are opened all at once but applied strictly in order, so
 * outcomes, receipts, sessions and the digest are those of opening and applying one record after another.
 */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { concatBytes, keccak256, toHex, type Address } from 'viem'
import { privateKeyToAccount, type PrivateKeyAccount } from 'viem/accounts'
import { beforeAll, describe, expect, it } from 'vitest'
import { sealCommand } from '../../../host/envelopes/sealCommand'
import { COMMAND_RECORD_BYTES } from '../../envelopes/commandEnvelope'
import type { CoreCommand } from '../../envelopes/coreCommands'
import { ENCLAVE_BUILD_DIR } from '../../platform/launchNodeEnclave'
import * as coreCodes from '../../shared/constants'
import * as tokenCodes from '../../shared/apps/token'
import { createCore } from '../core/createCore'
import { openCommand } from '../envelopes/openCommand'
import { deriveEpochKeys } from '../group/keySchedule'
import type { SessionBook } from '../session/sessionBook'
import { startCore } from '../startCore'
import { applyCommandBatch, type CommandBatchContext } from './applyCommandBatch'
import { appliedOutcome, digestOutcomes, REFUSED_OUTCOME } from './commandOutcome'

const codes = { ...coreCodes, ...tokenCodes }

const CHAIN_ID = 31337n
const LEDGER = '0x5FbDB2315678afecb367f032d93F642f64180aa3'
const BLOCK = 50n
const [issuer, alice, bob] = ['issuer', 'alice', 'bob'].map((name) => privateKeyToAccount(keccak256(toHex(name)))) as [
  PrivateKeyAccount,
  PrivateKeyAccount,
  PrivateKeyAccount,
]
const SESSION_KEY = `0x${'5e'.repeat(32)}` as const
let wasm: Uint8Array
let epochKey: { publicKey: `0x${string}`; privateKey: Uint8Array }

beforeAll(async () => {
  wasm = new Uint8Array(await readFile(join(ENCLAVE_BUILD_DIR, 'core.wasm')))
  epochKey = (await deriveEpochKeys(new Uint8Array(32).fill(7), 1n)).command
})

type Sealed = {
  account: PrivateKeyAccount
  nonce: bigint
  command: CoreCommand
  signer?: PrivateKeyAccount
  deadlineBlock?: bigint
  epoch?: number
}

const seal = ({ account, nonce, command, signer = account, deadlineBlock = 100n, epoch = 1 }: Sealed) =>
  sealCommand({
    chainId: CHAIN_ID,
    ledger: LEDGER,
    epoch,
    cmdPubKey: epochKey.publicKey,
    account: account.address,
    nonce,
    deadlineBlock,
    command,
    signTypedData: (typedData) => signer.signTypedData(typedData),
  })

/** A context on a fresh core, with a session book that records what it was told. */
async function aContext() {
  const calls: string[] = []
  const sessions = {
    start: (account: Address, key: Uint8Array, expiresBlock: bigint) =>
      calls.push(`start ${account} ${toHex(key)} ${expiresBlock}`),
    end: (account: Address) => calls.push(`end ${account}`),
  } as unknown as SessionBook
  const context: CommandBatchContext = {
    core: createCore(await startCore(wasm)),
    receipts: {},
    history: {},
    seq: 1n,
    chainId: CHAIN_ID,
    ledger: LEDGER,
    commandKeyOf: (epoch) => (epoch === 1 ? epochKey.privateKey : undefined),
    sessions,
  }
  return { context, calls }
}

/** The batch payload the Ledger input carries: block u64 ‖ records. */
function payloadOf(block: bigint, records: Uint8Array[]): Uint8Array {
  const header = new Uint8Array(8)
  new DataView(header.buffer).setBigUint64(0, block)
  return concatBytes([header, ...records])
}

/** The reference: open one record, apply it, then the next (what the batch did before it opened concurrently). */
async function applyOneByOne(context: CommandBatchContext, records: Uint8Array[]): Promise<Uint8Array> {
  const lines: Uint8Array[] = []
  for (const record of records) {
    const opened = await openCommand({
      record,
      chainId: CHAIN_ID,
      ledger: LEDGER,
      commandKeyOf: context.commandKeyOf,
      blockNumber: BLOCK,
    })
    lines.push(
      opened.ok ? appliedOutcome(context.core.apply(opened.command, BLOCK).code, opened.command) : REFUSED_OUTCOME,
    )
  }
  return digestOutcomes(lines)
}

describe('applyCommandBatch', () => {
  it('applies in record order what it opened all at once, with the outcomes of one-by-one', async () => {
    const a = (address: Address) => address.toLowerCase() as Address
    const records = await Promise.all([
      seal({ account: issuer, nonce: 0n, command: { op: 'init' } }),
      seal({ account: issuer, nonce: 1n, command: { op: 'mint', to: alice.address, amount: 100n } }),
      seal({ account: alice, nonce: 0n, command: { op: 'transfer', to: bob.address, amount: 60n } }),
      seal({ account: alice, nonce: 1n, command: { op: 'transfer', to: bob.address, amount: 30n } }), // needs nonce 0 first
      seal({ account: alice, nonce: 2n, command: { op: 'transfer', to: bob.address, amount: 30n } }), // only 10 left
      seal({ account: alice, nonce: 3n, command: { op: 'transfer', to: bob.address, amount: 1n }, signer: bob }), // forged
      seal({
        account: bob,
        nonce: 0n,
        command: { op: 'transfer', to: alice.address, amount: 1n },
        deadlineBlock: BLOCK - 1n,
      }), // expired
      seal({ account: bob, nonce: 0n, command: { op: 'burn', amount: 1n }, epoch: 2 }), // unknown epoch
      new Uint8Array(COMMAND_RECORD_BYTES), // malformed
      seal({ account: bob, nonce: 0n, command: { op: 'startSession', sessionKey: SESSION_KEY, expiresBlock: 900n } }),
      seal({ account: bob, nonce: 1n, command: { op: 'endSession' } }),
      seal({ account: alice, nonce: 0n, command: { op: 'transfer', to: bob.address, amount: 1n } }), // spent nonce: no receipt
    ])

    const { context, calls } = await aContext()
    const digest = await applyCommandBatch(context, payloadOf(BLOCK, records))

    const reference = await aContext()
    expect(digest).toEqual(await applyOneByOne(reference.context, records))
    expect(context.core.account(alice.address)).toEqual({ balance: 10n, nonce: 3n }) // a refused transfer still spends its nonce
    expect(context.core.account(bob.address)).toEqual({ balance: 90n, nonce: 2n })
    expect(context.core.exportSnapshot()).toEqual(reference.context.core.exportSnapshot())
    expect(context.receipts[a(alice.address)]).toEqual({ nonce: 2n, code: codes.FAIL_INSUFFICIENT_BALANCE, seq: 1n })
    expect(context.receipts[a(bob.address)]).toEqual({ nonce: 1n, code: codes.OK, seq: 1n })
    const historyOf = (address: Address) =>
      context.history[a(address)]!.map((entry) => `${entry.direction} ${entry.op} ${entry.code}`)
    expect(historyOf(alice.address)).toEqual([
      'received mint 0',
      'sent transfer 0',
      'sent transfer 0',
      `sent transfer ${codes.FAIL_INSUFFICIENT_BALANCE}`,
    ])
    expect(historyOf(bob.address)).toEqual([
      'received transfer 0',
      'received transfer 0',
      `sent transfer ${codes.FAIL_EXPIRED}`,
      'sent startSession 0',
      'sent endSession 0',
    ])
    expect(calls).toEqual([`start ${a(bob.address)} ${SESSION_KEY} 900`, `end ${a(bob.address)}`])
  })

  it("attack: a stranger reposting copies of an applied record leaves its owner's receipt and history as they were", async () => {
    const { context } = await aContext()
    const original = await seal({ account: alice, nonce: 0n, command: { op: 'transfer', to: bob.address, amount: 5n } })
    await applyCommandBatch(
      context,
      payloadOf(BLOCK, [
        await seal({ account: issuer, nonce: 0n, command: { op: 'init' } }),
        await seal({ account: issuer, nonce: 1n, command: { op: 'mint', to: alice.address, amount: 100n } }),
        original,
      ]),
    )
    const receipt = structuredClone(context.receipts)
    const history = structuredClone(context.history)
    const snapshot = context.core.exportSnapshot()
    expect(receipt[alice.address.toLowerCase()]).toEqual({ nonce: 0n, code: codes.OK, seq: 1n })

    // 40 copies in one batch (more than the history holds), then one more after its deadline.
    context.seq = 2n
    await applyCommandBatch(
      context,
      payloadOf(
        BLOCK,
        Array.from({ length: 40 }, () => original),
      ),
    )
    context.seq = 3n
    await applyCommandBatch(context, payloadOf(200n, [original]))

    expect(context.receipts).toEqual(receipt)
    expect(context.history).toEqual(history)
    expect(context.core.exportSnapshot()).toEqual(snapshot)
  })

  it('error: a batch of nothing but refused records changes nothing and digests one refusal per record', async () => {
    const { context, calls } = await aContext()
    const forged = await seal({ account: alice, nonce: 0n, command: { op: 'burn', amount: 1n }, signer: bob })
    const digest = await applyCommandBatch(
      context,
      payloadOf(BLOCK, [forged, new Uint8Array(COMMAND_RECORD_BYTES), forged]),
    )
    expect(digest).toEqual(digestOutcomes([REFUSED_OUTCOME, REFUSED_OUTCOME, REFUSED_OUTCOME]))
    expect(context.receipts).toEqual({})
    expect(calls).toEqual([])
    expect(context.core.exportSnapshot()).toEqual((await aContext()).context.core.exportSnapshot())
  })
})
