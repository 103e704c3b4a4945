// Identity queries: attestation(subject), issuer() (see shared/apps/identity.ts for the answers).
import { IDENTITY_QUERY_ATTESTATION, IDENTITY_QUERY_ISSUER } from '../../../shared/apps/identity'
import { NO_ADDRESS, Reader, Writer } from '../../codec'
import { identity } from './state'

/** Answers one identity query; false if it is malformed. */
export function queryIdentity(reader: Reader, writer: Writer): bool {
  const kind = reader.u8()
  if (kind == IDENTITY_QUERY_ATTESTATION) {
    const subject = reader.address()
    if (!reader.done()) return false
    writeAttestation(subject, writer)
  } else if (kind == IDENTITY_QUERY_ISSUER) {
    if (!reader.done()) return false
    writer.u8(identity.issuer != '' ? 1 : 0)
    writer.address(identity.issuer != '' ? identity.issuer : NO_ADDRESS)
  } else return false
  return true
}

/** present u8 ‖ attributes u8 ‖ jurisdiction u16 ‖ expiresBlock u64, zeros when `subject` holds none. */
export function writeAttestation(subject: string, writer: Writer): void {
  const present = identity.attestations.has(subject)
  writer.u8(present ? 1 : 0)
  if (present) {
    const attestation = identity.attestations.get(subject)
    writer.u8(attestation.attributes)
    writer.u16(attestation.jurisdiction)
    writer.u64(attestation.expiresBlock)
  } else {
    writer.u8(0)
    writer.u16(0)
    writer.u64(0)
  }
}
