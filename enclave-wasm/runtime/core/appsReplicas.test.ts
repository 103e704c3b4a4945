/**
 * Both apps on two replicas: a seeded random run of token and identity commands (blocks advancing, KYC switched on
 * and off) reaches equal roots and effects after every input, and a snapshot survives export -> import -> export.
 */
import { sha256 } from '@noble/hashes/sha2.js'
import { bytesToHex, type Address } from 'viem'
import { describe, expect, it } from 'vitest'
import { GOVERNANCE_CALLER } from '../../envelopes/apps/identityFacts'
import type { CoreCommand } from '../../envelopes/coreCommands'
import { FAIL_RECIPIENT_NOT_ELIGIBLE } from '../../shared/apps/token'
import { OK } from '../../shared/constants'
import { aCore, anAddress, seededRandom, sender } from './core.fixture'

const people = ['issuer', 'kyc', 'alice', 'bob', 'carol', 'dave'].map(anAddress)
const [issuer, kycIssuer] = people as [Address, Address]

/** One random command of either app from a random caller (mostly well-formed, often refused). */
function aRandomCommand(random: (n: number) => number, block: bigint): [Address, CoreCommand] {
  const who = () => people[random(people.length)]!
  const amount = BigInt(random(40))
  const commands: [Address, CoreCommand][] = [
    [who(), { op: 'transfer', to: who(), amount }],
    [who(), { op: 'transfer', to: who(), amount }],
    [random(4) === 0 ? who() : issuer, { op: 'mint', to: who(), amount }],
    [who(), { op: 'approve', spender: who(), amount }],
    [who(), { op: 'transferFrom', from: who(), to: who(), amount }],
    [who(), { op: 'burn', amount }],
    [random(4) === 0 ? who() : issuer, { op: 'requireAttributes', attributes: random(4) }],
    [
      random(4) === 0 ? who() : kycIssuer,
      {
        op: 'attest',
        subject: who(),
        attributes: random(5),
        jurisdiction: random(1000),
        expiresBlock: block + BigInt(random(30)) - 5n,
      },
    ],
    [random(4) === 0 ? who() : kycIssuer, { op: 'revoke', subject: who() }],
    // Governance now and then hands the role on (and back); anyone else trying is refused.
    [random(2) === 0 ? who() : GOVERNANCE_CALLER, { op: 'grantIssuer', issuer: random(4) === 0 ? who() : kycIssuer }],
  ]
  return commands[random(commands.length)]!
}

describe('apps on two replicas', () => {
  it('agree on roots and effects after each of 1,500 seeded random commands, and snapshots round-trip byte for byte', async () => {
    const replicas = [await aCore(), await aCore()]
    const senders = replicas.map(sender)
    const random = seededRandom(12)
    for (const send of senders) {
      expect(send(issuer, { op: 'init' }).code).toBe(OK)
      expect(send(GOVERNANCE_CALLER, { op: 'grantIssuer', issuer: kycIssuer }).code).toBe(OK)
    }
    const outcomes = new Map<number, number>()
    let block = 10n
    for (let i = 0; i < 1500; i++) {
      block += BigInt(random(3))
      const [caller, command] = aRandomCommand(random, block)
      const [a, b] = senders.map((send) => send(caller, command, block))
      expect(b, `command ${i}`).toEqual(a)
      outcomes.set(a!.code, (outcomes.get(a!.code) ?? 0) + 1)
      const [rootA, rootB] = replicas.map((replica) => bytesToHex(sha256(replica.exportSnapshot())))
      expect(rootB, `root after command ${i}`).toBe(rootA)
    }
    // The run exercised success and the gating refusal, not only one path.
    expect(outcomes.get(OK)).toBeGreaterThan(300)
    expect(outcomes.get(FAIL_RECIPIENT_NOT_ELIGIBLE)).toBeGreaterThan(10)
    expect(outcomes.size).toBeGreaterThanOrEqual(8)

    const exported = replicas[0]!.exportSnapshot()
    const restored = await aCore()
    expect(restored.importSnapshot(exported)).toBe(OK)
    expect(restored.exportSnapshot()).toEqual(exported)
    for (const person of people) {
      expect(restored.account(person)).toEqual(replicas[0]!.account(person))
      expect(restored.attestation(person)).toEqual(replicas[0]!.attestation(person))
    }
    expect(restored.token()).toEqual(replicas[0]!.token())
  })
})
