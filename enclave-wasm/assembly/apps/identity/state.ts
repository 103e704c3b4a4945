// The identity app's state: the KYC issuer and one attestation per subject. Other apps read it through
// `holdsAttributes` only.
export class Attestation {
  attributes: u8 = 0
  /** ISO 3166-1 numeric, 0 = none. */
  jurisdiction: u16 = 0
  /** The last block at which the attestation holds. */
  expiresBlock: u64 = 0
}

export class IdentityState {
  /** Empty until governance grants the role. */
  issuer: string = ''
  attestations: Map<string, Attestation> = new Map<string, Attestation>()
}

/** The live identity state; replaced whole by a snapshot import. */
export let identity = new IdentityState()

export function replaceIdentity(next: IdentityState): void {
  identity = next
}

/** True if `subject` holds every attribute in `mask` at `block` (always true for an empty mask). */
export function holdsAttributes(subject: string, mask: u8, block: u64): bool {
  if (mask == 0) return true
  if (!identity.attestations.has(subject)) return false
  const attestation = identity.attestations.get(subject)
  return (attestation.attributes & mask) == mask && block <= attestation.expiresBlock
}
