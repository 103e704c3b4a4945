/**
 * What wallets need to know of the identity app beyond its schema: the governance caller that grants the KYC issuer
 * role, the attribute names, and the attestation an attest history line carries in its amount field.
 */
import { getAddress, type Address } from 'viem'
import {
  ATTESTATION_ATTRIBUTES_SHIFT,
  ATTESTATION_JURISDICTION_SHIFT,
  ATTRIBUTE_ACCREDITED,
  ATTRIBUTE_KYC,
} from '../../shared/apps/identity'
import { GOVERNANCE_CALLER_KEY } from '../../shared/constants'

/** The caller of the commands the enclave makes from the Ledger's governance inputs; no wallet can sign as it. */
export const GOVERNANCE_CALLER: Address = getAddress(`0x${GOVERNANCE_CALLER_KEY}`)

/** Attribute bits by the names people and flags use. */
export const ATTRIBUTES = { kyc: ATTRIBUTE_KYC, accredited: ATTRIBUTE_ACCREDITED } as const
export type AttributeName = keyof typeof ATTRIBUTES

/** An account's attestation: attribute bits, ISO 3166-1 numeric jurisdiction (0 = none), last block it holds at. */
export type Attestation = { attributes: number; jurisdiction: number; expiresBlock: bigint }

/** The names of the attributes in `mask`, in a fixed order. */
export function attributeNames(mask: number): AttributeName[] {
  return (Object.keys(ATTRIBUTES) as AttributeName[]).filter((name) => (mask & ATTRIBUTES[name]) !== 0)
}

/** The attestation an attest history line carries in its amount (shared/apps/identity.ts). */
export function attestationOfAmount(amount: bigint): Attestation {
  return {
    attributes: Number((amount >> BigInt(ATTESTATION_ATTRIBUTES_SHIFT)) & 0xffn),
    jurisdiction: Number((amount >> BigInt(ATTESTATION_JURISDICTION_SHIFT)) & 0xffffn),
    expiresBlock: amount & 0xffff_ffff_ffff_ffffn,
  }
}
