/**
 * The identity app in the compiled core.wasm: the issuer attests and revokes, attestations expire at a block, and a
 * token whose issuer requires KYC refuses recipients without it, with the token's namespaced code.
 */
import { getAddress, keccak256, toHex } from 'viem'
import { describe, expect, it } from 'vitest'
import { OUTCOME_NAMES } from '../../envelopes/accountRead'
import * as identityCodes from '../../shared/apps/identity'
import * as tokenCodes from '../../shared/apps/token'
import { APP_IDENTITY, APP_TOKEN, FAIL_MALFORMED, OK } from '../../shared/constants'
import { attestationOfAmount, GOVERNANCE_CALLER } from '../../envelopes/apps/identityFacts'
import { aCore, anAddress, sender } from './core.fixture'

const [issuer, kycIssuer, alice, bob, carol] = ['issuer', 'kyc', 'alice', 'bob', 'carol'].map(anAddress)
const KYC = identityCodes.ATTRIBUTE_KYC
const lower = (address: string) => address.toLowerCase()

/** The seed (init, mint 100 to Alice, Alice pays Bob 60); governance grants `kycIssuer` the KYC issuer role. */
async function seeded() {
  const core = await aCore()
  const send = sender(core)
  const codes = [
    send(issuer!, { op: 'init' }),
    send(issuer!, { op: 'mint', to: alice!, amount: 100n }),
    send(alice!, { op: 'transfer', to: bob!, amount: 60n }),
    send(GOVERNANCE_CALLER, { op: 'grantIssuer', issuer: kycIssuer! }),
  ].map((result) => result.code)
  expect(codes).toEqual([OK, OK, OK, OK])
  return { core, send }
}

describe('identity core', () => {
  it('attests, answers the attestation, and revokes it; the subject sees both in its effects', async () => {
    const { core, send } = await seeded()
    expect(core.identityIssuer()).toBe(kycIssuer)
    const attest = send(kycIssuer!, {
      op: 'attest',
      subject: carol!,
      attributes: 3,
      jurisdiction: 392,
      expiresBlock: 99n,
    })
    expect(attest.code).toBe(OK)
    // Both history lines carry the attestation in their amount, so either wallet can show it.
    const amount = (3n << 80n) | (392n << 64n) | 99n
    expect(attest.effects).toEqual([
      { kind: 'sent', owner: lower(kycIssuer!), app: APP_IDENTITY, op: 2, counterparty: lower(carol!), amount },
      { kind: 'received', owner: lower(carol!), app: APP_IDENTITY, op: 2, counterparty: lower(kycIssuer!), amount },
    ])
    expect(attestationOfAmount(amount)).toEqual({ attributes: 3, jurisdiction: 392, expiresBlock: 99n })
    expect(core.attestation(carol!)).toEqual({ attributes: 3, jurisdiction: 392, expiresBlock: 99n })
    expect(send(kycIssuer!, { op: 'revoke', subject: carol! }).code).toBe(OK)
    expect(core.attestation(carol!)).toBeUndefined()
  })

  it('gates the token: a transfer to an account without KYC fails with a namespaced code, then applies once attested', async () => {
    const { core, send } = await seeded()
    expect(send(issuer!, { op: 'requireAttributes', attributes: KYC }).code).toBe(OK)
    const refused = send(alice!, { op: 'transfer', to: carol!, amount: 10n })
    expect(refused.code).toBe(tokenCodes.FAIL_RECIPIENT_NOT_ELIGIBLE)
    expect(refused.code >> 8).toBe(APP_TOKEN)
    expect(OUTCOME_NAMES[refused.code]).toMatch(/identity attributes/)
    expect(refused.effects.map((effect) => effect.kind)).toEqual(['sent'])
    expect(
      send(kycIssuer!, { op: 'attest', subject: carol!, attributes: KYC, jurisdiction: 0, expiresBlock: 20n }).code,
    ).toBe(OK)
    expect(send(alice!, { op: 'transfer', to: carol!, amount: 10n }, 20n).code).toBe(OK)
    expect(core.account(carol!).balance).toBe(10n)
    // Past its expiry block the attestation no longer admits Carol; mint is gated the same way.
    expect(send(alice!, { op: 'transfer', to: carol!, amount: 1n }, 21n).code).toBe(
      tokenCodes.FAIL_RECIPIENT_NOT_ELIGIBLE,
    )
    expect(send(issuer!, { op: 'mint', to: carol!, amount: 1n }, 21n).code).toBe(tokenCodes.FAIL_RECIPIENT_NOT_ELIGIBLE)
    expect(core.account(carol!).balance).toBe(10n)
  })

  it('error: refuses strangers, unknown attributes, past expiries, empty revokes, and issuer grants not from governance, changing nothing', async () => {
    const { core, send } = await seeded()
    const before = core.exportSnapshot()
    const attest = (attributes: number, expiresBlock = 50n) =>
      ({ op: 'attest', subject: carol!, attributes, jurisdiction: 0, expiresBlock }) as const
    expect(send(alice!, attest(KYC)).code).toBe(identityCodes.FAIL_IDENTITY_NOT_ISSUER)
    expect(send(kycIssuer!, attest(0)).code).toBe(identityCodes.FAIL_IDENTITY_UNKNOWN_ATTRIBUTE)
    expect(send(kycIssuer!, attest(4)).code).toBe(identityCodes.FAIL_IDENTITY_UNKNOWN_ATTRIBUTE)
    expect(send(kycIssuer!, attest(KYC, 9n), 10n).code).toBe(identityCodes.FAIL_IDENTITY_ALREADY_EXPIRED)
    expect(send(kycIssuer!, { op: 'revoke', subject: carol! }).code).toBe(identityCodes.FAIL_IDENTITY_NOT_ATTESTED)
    for (const caller of [alice!, kycIssuer!, issuer!])
      expect(send(caller, { op: 'grantIssuer', issuer: caller }).code).toBe(identityCodes.FAIL_IDENTITY_NOT_GOVERNANCE)
    expect(core.identityIssuer()).toBe(kycIssuer)
    expect(send(alice!, { op: 'requireAttributes', attributes: KYC }).code).toBe(tokenCodes.FAIL_NOT_ISSUER)
    expect(send(issuer!, { op: 'requireAttributes', attributes: 8 }).code).toBe(tokenCodes.FAIL_UNKNOWN_ATTRIBUTE)
    // Only nonces moved: every app section is as it was.
    const sections = (snapshot: Uint8Array) => snapshot.subarray(2 + 5 + new DataView(snapshot.buffer).getUint32(3))
    expect(sections(core.exportSnapshot())).toEqual(sections(before))
    const fresh = sender(await aCore())
    expect(fresh(kycIssuer!, attest(KYC)).code).toBe(identityCodes.FAIL_IDENTITY_NO_ISSUER)
  })

  it('governance replaces the issuer: the old one is refused from then on; the new one sees the grant in its effects', async () => {
    const { core, send } = await seeded()
    const grant = send(GOVERNANCE_CALLER, { op: 'grantIssuer', issuer: alice! })
    expect(grant.code).toBe(OK)
    expect(grant.effects[1]).toEqual({
      kind: 'received',
      owner: lower(alice!),
      app: APP_IDENTITY,
      op: identityCodes.IDENTITY_GRANT_ISSUER,
      counterparty: lower(GOVERNANCE_CALLER),
      amount: 0n,
    })
    expect(core.identityIssuer()).toBe(alice)
    const attest = { op: 'attest', subject: carol!, attributes: KYC, jurisdiction: 0, expiresBlock: 50n } as const
    expect(send(kycIssuer!, attest).code).toBe(identityCodes.FAIL_IDENTITY_NOT_ISSUER)
    expect(send(alice!, attest).code).toBe(OK)
  })

  it('error: a grant to the zero address is malformed and changes nothing', async () => {
    const { core, send } = await seeded()
    const zero = '0x0000000000000000000000000000000000000000' as const
    expect(send(GOVERNANCE_CALLER, { op: 'grantIssuer', issuer: zero }).code).toBe(FAIL_MALFORMED)
    expect(core.identityIssuer()).toBe(kycIssuer)
  })

  it('the governance caller is the first 20 bytes of keccak256("anonify/v1 governance"): no wallet holds its key', () => {
    expect(GOVERNANCE_CALLER).toBe(getAddress(keccak256(toHex('anonify/v1 governance')).slice(0, 42)))
  })

  it('every failure code is named, and each app keeps to its own high byte', () => {
    for (const [app, codes] of [
      [APP_TOKEN, tokenCodes],
      [APP_IDENTITY, identityCodes],
    ] as const)
      for (const [name, code] of Object.entries(codes))
        if (name.startsWith('FAIL_')) {
          expect(code >> 8, name).toBe(app)
          expect(OUTCOME_NAMES[code], name).toBeTypeOf('string')
        }
  })
})
