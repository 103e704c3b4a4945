// The identity app: governance grants the KYC issuer role; the issuer attests attributes with an expiry block and
// revokes them. Checks precede writes.
import { FAIL_UNKNOWN_OP, GOVERNANCE_CALLER_KEY, OK } from '../../../shared/constants'
import {
  FAIL_IDENTITY_ALREADY_EXPIRED,
  FAIL_IDENTITY_NOT_ATTESTED,
  FAIL_IDENTITY_NOT_GOVERNANCE,
  FAIL_IDENTITY_NO_ISSUER,
  FAIL_IDENTITY_NOT_ISSUER,
  FAIL_IDENTITY_UNKNOWN_ATTRIBUTE,
  IDENTITY_ATTEST,
  IDENTITY_GRANT_ISSUER,
  IDENTITY_REVOKE,
  KNOWN_ATTRIBUTES,
} from '../../../shared/apps/identity'
import { Effects } from '../../effects'
import { IdentityCommand } from './codec'
import { Attestation, identity } from './state'

/** Executes a decoded identity command at `block`; returns OK or an identity failure code. */
export function applyIdentity(command: IdentityCommand, block: u64, effects: Effects): i32 {
  if (command.op == IDENTITY_GRANT_ISSUER) {
    // Only the enclave sends as the governance caller, translating the Ledger's governor-only grant input.
    if (command.caller != GOVERNANCE_CALLER_KEY) return FAIL_IDENTITY_NOT_GOVERNANCE
    identity.issuer = command.counterparty
    effects.received(command.counterparty, command.app, command.op, command.caller, command.amount)
    return OK
  }
  if (identity.issuer == '') return FAIL_IDENTITY_NO_ISSUER
  if (command.caller != identity.issuer) return FAIL_IDENTITY_NOT_ISSUER
  const subject = command.counterparty
  if (command.op == IDENTITY_ATTEST) {
    // An empty attestation is a revoke; unknown bits would mean something only a later core understands.
    if (command.attributes == 0 || (command.attributes & ~(<u8>KNOWN_ATTRIBUTES)) != 0)
      return FAIL_IDENTITY_UNKNOWN_ATTRIBUTE
    if (command.expiresBlock < block) return FAIL_IDENTITY_ALREADY_EXPIRED
    const attestation = new Attestation()
    attestation.attributes = command.attributes
    attestation.jurisdiction = command.jurisdiction
    attestation.expiresBlock = command.expiresBlock
    identity.attestations.set(subject, attestation)
    effects.received(subject, command.app, command.op, command.caller, command.amount)
    return OK
  }
  if (command.op == IDENTITY_REVOKE) {
    if (!identity.attestations.has(subject)) return FAIL_IDENTITY_NOT_ATTESTED
    identity.attestations.delete(subject)
    effects.received(subject, command.app, command.op, command.caller, command.amount)
    return OK
  }
  return FAIL_UNKNOWN_OP
}
