/**
 * Golden vectors for every app command (envelopes/apps/commands.vectors.json): the TS codec writes the committed bytes
 * and reads them back, the compiled AS codec accepts exactly those bytes and reads the same fields (its `sent` effect
 * names them), and each op's EIP-712 type and struct hash are the committed ones. Plus the snapshot's sections.
 */
import { bytesToHex, hashStruct, hexToBytes, type Address, type Hex } from 'viem'
import { describe, expect, it } from 'vitest'
import vectors from '../../envelopes/apps/commands.vectors.json'
import snapshotVectors from './snapshot.vectors.json'
import { commandTypedData } from '../../envelopes/commandEnvelope'
import { decodeCoreCommand, encodeCoreCommand, opSchemaOf, type CoreCommand } from '../../envelopes/coreCommands'
import {
  APP_CORE,
  APP_IDENTITY,
  APP_SESSION,
  APP_TOKEN,
  FAIL_MALFORMED,
  FAIL_UNKNOWN_APP,
} from '../../shared/constants'
import { aCore, reviveBigints, sender } from './core.fixture'

const caller: Address = '0x00000000000000000000000000000000000a11ce'
const other: Address = '0xffffffffffffffffffffffffffffffffffffb0b0'
const third: Address = '0x1234567890abcdef1234567890abcdef12345678'
const NONCE = 0x0102030405060708n

/** One command of every op, with field values that show byte order (the vectors' inputs). */
const VECTOR_COMMANDS: Record<string, CoreCommand> = {
  init: { op: 'init' },
  mint: { op: 'mint', to: other, amount: (1n << 127n) + 0x0bn },
  transfer: { op: 'transfer', to: other, amount: 60n },
  approve: { op: 'approve', spender: other, amount: 0x0102030405060708090a0b0c0d0e0f10n },
  transferFrom: { op: 'transferFrom', from: other, to: third, amount: 7n },
  burn: { op: 'burn', amount: 1n },
  requireAttributes: { op: 'requireAttributes', attributes: 1 },
  startSession: { op: 'startSession', sessionKey: `0x${'5e'.repeat(32)}`, expiresBlock: 900n },
  endSession: { op: 'endSession' },
  grantIssuer: { op: 'grantIssuer', issuer: third },
  attest: { op: 'attest', subject: other, attributes: 3, jurisdiction: 0x0188, expiresBlock: 0x0a0b0c0dn },
  revoke: { op: 'revoke', subject: other },
}

/** The other party and amount each op's history line names (what the AS decoder must read). */
function historyFields(command: CoreCommand): { counterparty: Address; amount: bigint } {
  const values = command as Record<string, unknown>
  const counterparty = (
    command.op === 'transferFrom' ? values.from : (values.to ?? values.spender ?? values.subject ?? values.issuer)
  ) as Address | undefined
  return {
    counterparty: counterparty ?? '0x0000000000000000000000000000000000000000',
    amount: command.op === 'attest' ? attestationAmount(command) : ((values.amount as bigint) ?? 0n),
  }
}

/** Attest's lines carry its attestation: attributes << 80 | jurisdiction << 64 | expiresBlock. */
const attestationAmount = ({ attributes, jurisdiction, expiresBlock }: Extract<CoreCommand, { op: 'attest' }>) =>
  (BigInt(attributes) << 80n) | (BigInt(jurisdiction) << 64n) | expiresBlock

const DOMAIN = { chainId: 31337n, ledger: '0x5FbDB2315678afecb367f032d93F642f64180aa3' as Address }

describe('app command codecs', () => {
  it('has a vector for every op of every app, and nothing else', () => {
    expect(Object.keys(vectors).sort()).toEqual(Object.keys(VECTOR_COMMANDS).sort())
    for (const op of Object.keys(VECTOR_COMMANDS)) expect(opSchemaOf(op).name).toBe(op)
  })

  for (const [name, command] of Object.entries(VECTOR_COMMANDS))
    it(`${name}: TS and AS codecs agree with the golden bytes, EIP-712 type and struct hash`, async () => {
      const vector = vectors[name as keyof typeof vectors]
      const bytes = encodeCoreCommand(caller, NONCE, command)
      expect(bytesToHex(bytes)).toBe(vector.bytes)
      expect(decodeCoreCommand(hexToBytes(vector.bytes as Hex))).toEqual({ caller, nonce: NONCE, command })

      const typedData = commandTypedData({
        ...DOMAIN,
        account: caller,
        nonce: NONCE,
        deadlineBlock: 100n,
        command,
      })
      expect(typedData.primaryType).toBe(vector.primaryType)
      const fields = typedData.types[typedData.primaryType]!.map(({ name, type }) => `${type} ${name}`)
      expect(`${typedData.primaryType}(${fields.join(',')})`).toBe(vector.eip712)
      expect(hashStruct({ data: typedData.message, primaryType: typedData.primaryType, types: typedData.types })).toBe(
        vector.structHash,
      )

      // The core reads the same app, op and fields: its `sent` effect names them. (The nonce is wrong on a fresh core,
      // which still decodes the command in full.)
      const core = await aCore()
      const applied = core.apply(bytes, 10n)
      expect(applied.code).not.toBe(FAIL_MALFORMED)
      expect(applied.effects[0]).toEqual({
        kind: 'sent',
        owner: caller,
        app: bytes[28],
        op: bytes[29],
        ...historyFields(command),
      })
      for (const bad of [bytes.slice(0, -1), Uint8Array.from([...bytes, 0])]) {
        const refused = core.apply(bad, 10n)
        expect(refused).toEqual({ code: FAIL_MALFORMED, effects: [] })
      }
    })

  it('error: the core refuses an app id no app has, as unknown app', async () => {
    const bytes = encodeCoreCommand(caller, 0n, { op: 'init' })
    bytes[28] = 0x7f
    expect((await aCore()).apply(bytes, 10n)).toEqual({ code: FAIL_UNKNOWN_APP, effects: [] })
  })
})

describe('snapshot sections', () => {
  it('exports the golden bytes for a fixed state: nonces, token, session, identity sections in id order', async () => {
    const core = await aCore()
    const send = sender(core)
    for (const [from, command] of snapshotVectors.commands as [Address, CoreCommand][])
      send(from, reviveBigints<CoreCommand>(command))
    const snapshot = core.exportSnapshot()
    expect(bytesToHex(snapshot)).toBe(snapshotVectors.snapshot)
    const tags: number[] = []
    for (let at = 2; at < snapshot.byteLength; at += 5 + new DataView(snapshot.buffer).getUint32(at + 1))
      tags.push(snapshot[at]!)
    expect(tags).toEqual([APP_CORE, APP_TOKEN, APP_SESSION, APP_IDENTITY])
    const restored = await aCore()
    expect(restored.importSnapshot(snapshot)).toBe(0)
    expect(restored.exportSnapshot()).toEqual(snapshot)
  })
})
