/** The identity page: anyone's own attributes, and the KYC issuer's attest and revoke tools and what it attested. */
import { IssuedAttestationsPanel } from './IssuedAttestationsPanel'
import { KycIssuerPanel } from './KycIssuerPanel'
import { YourIdentityPanel } from './YourIdentityPanel'

export function IdentityPage() {
  return (
    <>
      <YourIdentityPanel />
      <KycIssuerPanel />
      <IssuedAttestationsPanel />
    </>
  )
}
