/** The `attest` ECALL: evidence for registration or re-attestation, binding operator, anchor and init key. */
import { bytesToHex } from 'viem'
import type { EnclaveSchema } from '../../protocol'
import { bound, type EnclaveState } from '../enclaveState'
import { attestedInitKey, ensureIdentity, registrationReportData } from '../group/groupActions'

export async function attest(
  state: EnclaveState,
  { operator, anchorHash }: EnclaveSchema['attest']['params'],
): Promise<EnclaveSchema['attest']['result']> {
  const group = bound(state)
  const identity = await ensureIdentity(group)
  const evidence = await state.platform.quote(registrationReportData(group, identity, operator, anchorHash))
  return { evidence: bytesToHex(evidence), signer: identity.signer, initKey: attestedInitKey(group, identity) }
}
