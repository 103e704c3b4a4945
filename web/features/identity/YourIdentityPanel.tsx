/**
 * The connected account's own identity attributes, as its history from this tab's enclave tells them: the latest
 * attestation it received (or its revocation), with its expiry against the chain's current block.
 */
import { useBlockNumber, useConnection } from 'wagmi'
import { attributeNames } from '../../../enclave-wasm/envelopes/apps/identityFacts'
import { identityFromHistory } from '../../../host/wallet/identityFromHistory'
import { formatJurisdiction } from '../../../host/wallet/jurisdictions'
import { shortHex } from '../../app/shortHex'
import { useAccountState } from '../../hooks/useAccountState'

export function YourIdentityPanel() {
  const connection = useConnection()
  const account = useAccountState()
  const block = useBlockNumber({ watch: true })
  const address = connection.address
  const standing =
    account.data && address
      ? identityFromHistory(account.data.history, { reader: address, subject: address })
      : undefined

  return (
    <section className="panel" aria-labelledby="your-identity-title" data-testid="your-identity">
      <h2 id="your-identity-title">Your identity attributes</h2>
      {!standing ? (
        <p className="muted">Connect and join the group: your attributes are read from your own history.</p>
      ) : standing.state === 'attested' ? (
        <>
          <dl>
            <dt>Attributes</dt>
            <dd data-testid="your-attributes">
              {attributeNames(standing.attestation.attributes)
                .map((name) => (name === 'kyc' ? 'KYC' : 'accredited'))
                .join(', ')}
            </dd>
            <dt>Jurisdiction</dt>
            <dd>{formatJurisdiction(standing.attestation.jurisdiction)}</dd>
            <dt>Valid until</dt>
            <dd>
              block {standing.attestation.expiresBlock.toString()}
              {block.data !== undefined && block.data > standing.attestation.expiresBlock && (
                <span className="error"> — expired</span>
              )}
            </dd>
            <dt>Attested by</dt>
            <dd className="mono" title={standing.issuer}>
              {shortHex(standing.issuer)} at input {standing.seq.toString()}
            </dd>
          </dl>
          <p className="muted">Tokens that require these attributes accept you as a recipient until then.</p>
        </>
      ) : (
        <p className="muted" data-testid="your-attributes">
          {standing.state === 'revoked'
            ? `Your attestation was revoked at input ${standing.seq}.`
            : 'No attestation yet. Ask the KYC issuer to attest you; tokens that require KYC refuse transfers to you until then.'}
        </p>
      )}
    </section>
  )
}
