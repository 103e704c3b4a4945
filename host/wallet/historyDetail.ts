/**
 * The detail of a history line as people read it, the same in the CLI and the web app: an amount of the token, an
 * attestation, or nothing for ops that carry neither.
 */
import type { HistoryEntry } from '../../enclave-wasm/envelopes/readReply'
import { attestationOfAmount, attributeNames, type Attestation } from '../../enclave-wasm/envelopes/apps/identityFacts'
import { formatJurisdiction } from './jurisdictions'
import { formatTokenAmount, TOKEN_SYMBOL } from './tokenUnits'

/** Ops whose history lines name an amount of the token. */
const AMOUNT_OPS: ReadonlySet<HistoryEntry['op']> = new Set(['mint', 'transfer', 'approve', 'transferFrom', 'burn'])

/** "kyc, accredited · JP · until block 1200" (jurisdiction left out when none). */
export function describeAttestation({ attributes, jurisdiction, expiresBlock }: Attestation): string {
  const parts = [attributeNames(attributes).join(', ')]
  if (jurisdiction !== 0) parts.push(formatJurisdiction(jurisdiction))
  parts.push(`until block ${expiresBlock}`)
  return parts.join(' · ')
}

/** The line's amount with its symbol, its attestation, or '' when it names neither. */
export function historyDetail(entry: HistoryEntry): string {
  if (entry.op === 'attest') return describeAttestation(attestationOfAmount(entry.amount))
  if (entry.op === 'grantIssuer') return 'KYC issuer role'
  return AMOUNT_OPS.has(entry.op) ? `${formatTokenAmount(entry.amount)} ${TOKEN_SYMBOL}` : ''
}
