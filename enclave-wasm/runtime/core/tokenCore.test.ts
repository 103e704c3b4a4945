/**
 * The compiled core.wasm through the runtime's own loader path (startCore): the seed's transfer, every failure
 * code, and a seeded random run checked against a reference model and across two replicas.
 */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { keccak256, toHex, getAddress, type Address } from 'viem'
import { beforeAll, describe, expect, it } from 'vitest'
import { ENCLAVE_BUILD_DIR } from '../../platform/launchNodeEnclave'
import * as coreCodes from '../../shared/constants'
import * as tokenCodes from '../../shared/apps/token'
import { startCore } from '../startCore'
import { createCore, type Core } from './createCore'
import { encodeCoreCommand, type CoreCommand } from '../../envelopes/coreCommands'

const codes = { ...coreCodes, ...tokenCodes }
const BLOCK = 10n

let wasm: Uint8Array
beforeAll(async () => {
  wasm = new Uint8Array(await readFile(join(ENCLAVE_BUILD_DIR, 'core.wasm')))
})
const aCore = async () => createCore(await startCore(wasm))
const anAddress = (name: string): Address => getAddress(keccak256(toHex(name)).slice(0, 42))
const [issuer, alice, bob, carol] = ['issuer', 'alice', 'bob', 'carol'].map(anAddress) as [
  Address,
  Address,
  Address,
  Address,
]

/** Sends commands with each caller's next nonce, as a wallet would. */
function sender(core: Core) {
  return (caller: Address, command: CoreCommand, nonce = core.account(caller).nonce) =>
    core.apply(encodeCoreCommand(caller, nonce, command), BLOCK).code
}

async function seeded() {
  const core = await aCore()
  const send = sender(core)
  expect(send(issuer, { op: 'init' })).toBe(codes.OK)
  expect(send(issuer, { op: 'mint', to: alice, amount: 100n })).toBe(codes.OK)
  return { core, send }
}

describe('token core', () => {
  it('runs the seed: Alice holds 100, pays Bob 60, and holds 40 while Bob holds 60', async () => {
    const { core, send } = await seeded()
    expect(send(alice, { op: 'transfer', to: bob, amount: 60n })).toBe(codes.OK)
    expect(core.account(alice)).toEqual({ balance: 40n, nonce: 1n })
    expect(core.account(bob)).toEqual({ balance: 60n, nonce: 0n })
    expect(core.token()).toEqual({ issuer, totalSupply: 100n, requiredAttributes: 0 })
  })

  it('approve and transferFrom move funds within the allowance and spend it down', async () => {
    const { core, send } = await seeded()
    expect(send(alice, { op: 'approve', spender: carol, amount: 30n })).toBe(codes.OK)
    expect(send(carol, { op: 'transferFrom', from: alice, to: bob, amount: 20n })).toBe(codes.OK)
    expect(core.allowance(alice, carol)).toBe(10n)
    expect(send(carol, { op: 'transferFrom', from: alice, to: bob, amount: 11n })).toBe(
      codes.FAIL_INSUFFICIENT_ALLOWANCE,
    )
    expect(core.account(bob).balance).toBe(20n)
  })

  it('burn removes tokens from the caller and the supply', async () => {
    const { core, send } = await seeded()
    expect(send(alice, { op: 'burn', amount: 25n })).toBe(codes.OK)
    expect(core.account(alice).balance).toBe(75n)
    expect(core.token().totalSupply).toBe(75n)
  })

  it('error: a wrong nonce fails without consuming the nonce or changing anything', async () => {
    const { core, send } = await seeded()
    const before = core.exportSnapshot()
    expect(send(alice, { op: 'transfer', to: bob, amount: 1n }, 5n)).toBe(codes.FAIL_WRONG_NONCE)
    expect(core.exportSnapshot()).toEqual(before)
  })

  it('error: business failures consume the nonce (no later replay) and change nothing else', async () => {
    const { core, send } = await seeded()
    const cases: [Address, CoreCommand, number][] = [
      [alice, { op: 'transfer', to: bob, amount: 101n }, codes.FAIL_INSUFFICIENT_BALANCE],
      [alice, { op: 'mint', to: alice, amount: 1n }, codes.FAIL_NOT_ISSUER],
      [alice, { op: 'transfer', to: bob, amount: 0n }, codes.FAIL_ZERO_AMOUNT],
      [alice, { op: 'transfer', to: alice, amount: 1n }, codes.FAIL_SELF_TRANSFER],
      [alice, { op: 'init' }, codes.FAIL_ALREADY_INITIALIZED],
      [alice, { op: 'burn', amount: 1000n }, codes.FAIL_INSUFFICIENT_BALANCE],
    ]
    for (const [caller, command, code] of cases) {
      const balances = [core.account(alice).balance, core.account(bob).balance, core.token().totalSupply]
      const nonce = core.account(caller).nonce
      expect(send(caller, command)).toBe(code)
      expect(core.account(caller).nonce).toBe(nonce + 1n)
      expect([core.account(alice).balance, core.account(bob).balance, core.token().totalSupply]).toEqual(balances)
    }
  })

  it('error: overflow is a failed command, never a wrap', async () => {
    const { core, send } = await seeded()
    const max = (1n << 128n) - 1n
    expect(send(issuer, { op: 'mint', to: bob, amount: max - 100n })).toBe(codes.OK)
    expect(send(issuer, { op: 'mint', to: bob, amount: 1n })).toBe(codes.FAIL_OVERFLOW)
    expect(core.token().totalSupply).toBe(max)
  })

  it('error: malformed commands (truncated, trailing bytes, unknown op, before init) change nothing', async () => {
    const fresh = await aCore()
    expect(sender(fresh)(alice, { op: 'transfer', to: bob, amount: 1n })).toBe(codes.FAIL_NOT_INITIALIZED)
    const { core } = await seeded()
    const before = core.exportSnapshot()
    const good = encodeCoreCommand(alice, 0n, { op: 'transfer', to: bob, amount: 1n })
    expect(core.apply(good.slice(0, -1), BLOCK).code).toBe(codes.FAIL_MALFORMED)
    expect(core.apply(Uint8Array.from([...good, 0]), BLOCK).code).toBe(codes.FAIL_MALFORMED)
    const unknownOp = good.slice()
    unknownOp[29] = 99
    expect(core.apply(unknownOp, BLOCK).code).toBe(codes.FAIL_MALFORMED)
    expect(core.apply(new Uint8Array(codes.CORE_INPUT_BYTES + 1), BLOCK).code).toBe(codes.FAIL_MALFORMED)
    expect(core.exportSnapshot()).toEqual(before)
  })

  it('exports one canonical snapshot whatever order the state was built in, and imports it back', async () => {
    const a = await seeded()
    const b = await seeded()
    a.send(alice, { op: 'transfer', to: bob, amount: 10n })
    a.send(alice, { op: 'transfer', to: carol, amount: 5n })
    b.send(alice, { op: 'transfer', to: carol, amount: 5n }, 0n)
    b.send(alice, { op: 'transfer', to: bob, amount: 10n }, 1n)
    expect(a.core.exportSnapshot()).toEqual(b.core.exportSnapshot())

    const restored = await aCore()
    expect(restored.importSnapshot(a.core.exportSnapshot())).toBe(codes.OK)
    expect(restored.exportSnapshot()).toEqual(a.core.exportSnapshot())
    expect(restored.account(bob)).toEqual(a.core.account(bob))
  })

  it('error: refuses a snapshot that would mint, is out of order or is cut short, and keeps its state', async () => {
    const { core } = await seeded()
    const snapshot = core.exportSnapshot()
    const target = await seeded()
    const before = target.core.exportSnapshot()
    const inflated = snapshot.slice()
    // version ‖ count ‖ nonces (app ‖ length u32 ‖ body) ‖ token (app ‖ length ‖ issuer ‖ supply …)
    const tokenBody = 2 + 5 + new DataView(snapshot.buffer).getUint32(3) + 5
    inflated[tokenBody + 20 + 15]! += 1 // total supply's last byte no longer equals the sum of balances
    for (const bad of [inflated, snapshot.slice(0, -1), Uint8Array.from([...snapshot, 0]), Uint8Array.of(9)]) {
      expect(target.core.importSnapshot(bad)).toBe(codes.FAIL_MALFORMED)
      expect(target.core.exportSnapshot()).toEqual(before)
    }
  })

  it('agrees with a reference model and across replicas over 2,000 seeded random commands', async () => {
    const replicas = [await aCore(), await aCore()]
    const people = [issuer, alice, bob, carol]
    const model = { balances: new Map<Address, bigint>(), nonces: new Map<Address, bigint>(), supply: 0n }
    let seed = 42
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31
      return seed % n
    }
    for (const replica of replicas) expect(sender(replica)(issuer, { op: 'init' })).toBe(codes.OK)
    model.nonces.set(issuer, 1n)
    for (let i = 0; i < 2000; i++) {
      const caller = people[random(4)]!
      const to = people[random(4)]!
      const amount = BigInt(random(50))
      const command: CoreCommand = random(3) === 0 ? { op: 'mint', to, amount } : { op: 'transfer', to, amount }
      const results = replicas.map((replica) => sender(replica)(caller, command))
      expect(results[0]).toBe(results[1])
      // Reference semantics, written independently of the core.
      const nonce = model.nonces.get(caller) ?? 0n
      model.nonces.set(caller, nonce + 1n)
      const balance = (who: Address) => model.balances.get(who) ?? 0n
      let expected: number = codes.OK
      if (amount === 0n) expected = codes.FAIL_ZERO_AMOUNT
      else if (command.op === 'mint' && caller !== issuer) expected = codes.FAIL_NOT_ISSUER
      else if (command.op === 'mint') {
        model.supply += amount
        model.balances.set(to, balance(to) + amount)
      } else if (caller === to) expected = codes.FAIL_SELF_TRANSFER
      else if (balance(caller) < amount) expected = codes.FAIL_INSUFFICIENT_BALANCE
      else {
        model.balances.set(caller, balance(caller) - amount)
        model.balances.set(to, balance(to) + amount)
      }
      expect(results[0], `command ${i}`).toBe(expected)
    }
    for (const person of people)
      expect(replicas[0]!.account(person)).toEqual({
        balance: model.balances.get(person) ?? 0n,
        nonce: model.nonces.get(person) ?? 0n,
      })
    expect(replicas[0]!.token().totalSupply).toBe(model.supply)
    expect(replicas[0]!.exportSnapshot()).toEqual(replicas[1]!.exportSnapshot())
  })
})
