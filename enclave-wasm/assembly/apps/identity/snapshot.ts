// The identity snapshot section: issuer (zero if none) ‖ count u64 ‖ attestations sorted by subject, each
// subject ‖ attributes u8 ‖ jurisdiction u16 ‖ expiresBlock u64.
import { KNOWN_ATTRIBUTES } from '../../../shared/apps/identity'
import { NO_ADDRESS, Reader, Writer } from '../../codec'
import { Attestation, IdentityState, identity, replaceIdentity } from './state'

let staged = new IdentityState()

export function exportIdentity(writer: Writer): void {
  writer.address(identity.issuer != '' ? identity.issuer : NO_ADDRESS)
  const subjects = identity.attestations.keys().sort()
  writer.u64(<u64>subjects.length)
  for (let i = 0; i < subjects.length; i++) {
    const attestation = identity.attestations.get(subjects[i])
    writer.address(subjects[i])
    writer.u8(attestation.attributes)
    writer.u16(attestation.jurisdiction)
    writer.u64(attestation.expiresBlock)
  }
}

/** Stages an identity section; false unless subjects strictly increase and every attestation is one attest makes. */
export function stageIdentity(reader: Reader): bool {
  const next = new IdentityState()
  const issuer = reader.address()
  next.issuer = issuer == NO_ADDRESS ? '' : issuer
  const count = reader.u64()
  let previous = ''
  for (let i: u64 = 0; i < count && reader.ok; i++) {
    const subject = reader.address()
    const attestation = new Attestation()
    attestation.attributes = reader.u8()
    attestation.jurisdiction = reader.u16()
    attestation.expiresBlock = reader.u64()
    if (subject <= previous || attestation.attributes == 0 || (attestation.attributes & ~(<u8>KNOWN_ATTRIBUTES)) != 0)
      return false
    previous = subject
    next.attestations.set(subject, attestation)
  }
  if (!reader.done() || (next.issuer == '' && count > 0)) return false
  staged = next
  return true
}

export function commitIdentity(): void {
  replaceIdentity(staged)
  staged = new IdentityState()
}
