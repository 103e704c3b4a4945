/** Identity facts from a wallet's own history: its attestation, what an issuer attested, the issuer grant. */
import { zeroAddress, type Address } from 'viem'
import { describe, expect, it } from 'vitest'
import type { HistoryEntry } from '../../enclave-wasm/envelopes/readReply'
import { GOVERNANCE_CALLER } from '../../enclave-wasm/envelopes/apps/identityFacts'
import { historyDetail } from './historyDetail'
import { identityFromHistory, issuerGrantSeq } from './identityFromHistory'
import { formatJurisdiction, parseJurisdiction } from './jurisdictions'

const issuer: Address = '0x00000000000000000000000000000000000015e0'
const carol: Address = '0x000000000000000000000000000000000000c0c0'
const dave: Address = '0x000000000000000000000000000000000000dafe'
/** KYC + accredited, Japan (392), until block 500. */
const ATTESTED = (3n << 80n) | (392n << 64n) | 500n

const line = (entry: Partial<HistoryEntry>): HistoryEntry => ({
  seq: 1n,
  direction: 'received',
  op: 'transfer',
  counterparty: zeroAddress,
  amount: 0n,
  code: 0,
  nonce: 0n,
  ...entry,
})

describe('identityFromHistory', () => {
  it("reads the subject's own latest applied attest or revoke from the lines it received", () => {
    const attest = line({ seq: 4n, op: 'attest', counterparty: issuer, amount: ATTESTED })
    expect(identityFromHistory([attest], { reader: carol, subject: carol })).toEqual({
      state: 'attested',
      attestation: { attributes: 3, jurisdiction: 392, expiresBlock: 500n },
      issuer,
      seq: 4n,
    })
    const revoked = [attest, line({ seq: 6n, op: 'revoke', counterparty: issuer })]
    expect(identityFromHistory(revoked, { reader: carol, subject: carol })).toEqual({
      state: 'revoked',
      issuer,
      seq: 6n,
    })
  })

  it('reads what the issuer attested to a subject from the lines it sent, ignoring refusals and other subjects', () => {
    const history = [
      line({ seq: 2n, direction: 'sent', op: 'attest', counterparty: carol, amount: ATTESTED }),
      line({ seq: 3n, direction: 'sent', op: 'revoke', counterparty: dave }),
      line({ seq: 5n, direction: 'sent', op: 'revoke', counterparty: carol, code: 0x0306 }),
    ]
    expect(identityFromHistory(history, { reader: issuer, subject: carol })).toMatchObject({
      state: 'attested',
      seq: 2n,
    })
    expect(identityFromHistory(history, { reader: issuer, subject: dave })).toMatchObject({ state: 'revoked' })
    expect(identityFromHistory(history, { reader: carol, subject: carol })).toEqual({ state: 'unknown' })
  })

  it('finds the latest issuer grant from governance', () => {
    const grant = line({ seq: 9n, op: 'grantIssuer', counterparty: GOVERNANCE_CALLER })
    expect(issuerGrantSeq([grant, line({ seq: 10n })])).toBe(9n)
    expect(issuerGrantSeq([line({ seq: 10n })])).toBeUndefined()
  })
})

describe('historyDetail and jurisdictions', () => {
  it('describes token amounts, attestations and the issuer role', () => {
    expect(historyDetail(line({ op: 'transfer', amount: 6000n }))).toBe('60 ANON')
    expect(historyDetail(line({ op: 'attest', amount: ATTESTED }))).toBe('kyc, accredited · JP · until block 500')
    expect(historyDetail(line({ op: 'grantIssuer' }))).toBe('KYC issuer role')
    expect(historyDetail(line({ op: 'revoke' }))).toBe('')
  })

  it('parses alpha-2 codes in any case and numeric codes; formats them back', () => {
    expect(parseJurisdiction('jp')).toBe(392)
    expect(parseJurisdiction(' US ')).toBe(840)
    expect(parseJurisdiction('036')).toBe(36)
    expect(formatJurisdiction(36)).toBe('AU')
    expect(formatJurisdiction(4)).toBe('004')
    expect(formatJurisdiction(0)).toBe('none')
  })

  it.each(['', 'XQ', 'JPN', '0', '1000', '-1', '3.5'])('error: refuses jurisdiction %j', (text) => {
    expect(() => parseJurisdiction(text)).toThrow(/not a jurisdiction this wallet knows/)
  })
})
