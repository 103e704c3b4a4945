/**
 * What an account's own history says about identity: the attestation of the account itself (the lines it received),
 * or, read by the KYC issuer, the attestation it gave another account (the lines it sent), and whether governance
 * granted it the issuer role. Reads are sealed to their account, so a wallet learns identity facts this way only.
 * The history keeps the latest HISTORY_ENTRIES lines: an older attestation may have scrolled out of it.
 */
import { isAddressEqual, type Address } from 'viem'
import type { HistoryEntry } from '../../enclave-wasm/envelopes/readReply'
import { attestationOfAmount, type Attestation } from '../../enclave-wasm/envelopes/apps/identityFacts'

/** The latest applied attest or revoke about a subject, as seen from one account's history. */
export type IdentityStanding =
  | { state: 'attested'; attestation: Attestation; issuer: Address; seq: bigint }
  | { state: 'revoked'; issuer: Address; seq: bigint }
  | { state: 'unknown' }

/**
 * `subject`'s standing in the history of `reader`: its own (received lines) when the reader is the subject, else
 * what the reader attested to it as issuer (sent lines).
 */
export function identityFromHistory(
  history: readonly HistoryEntry[],
  { reader, subject }: { reader: Address; subject: Address },
): IdentityStanding {
  const own = isAddressEqual(reader, subject)
  for (let i = history.length - 1; i >= 0; i--) {
    const entry = history[i]!
    if (entry.code !== 0 || (entry.op !== 'attest' && entry.op !== 'revoke')) continue
    if (
      own ? entry.direction !== 'received' : entry.direction !== 'sent' || !isAddressEqual(entry.counterparty, subject)
    )
      continue
    const issuer = own ? entry.counterparty : reader
    if (entry.op === 'revoke') return { state: 'revoked', issuer, seq: entry.seq }
    return { state: 'attested', attestation: attestationOfAmount(entry.amount), issuer, seq: entry.seq }
  }
  return { state: 'unknown' }
}

/** The input at which governance last granted this account the KYC issuer role, if its history shows it. */
export function issuerGrantSeq(history: readonly HistoryEntry[]): bigint | undefined {
  return [...history].reverse().find((e) => e.op === 'grantIssuer' && e.direction === 'received' && e.code === 0)?.seq
}
