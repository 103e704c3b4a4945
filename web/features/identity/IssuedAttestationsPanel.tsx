/**
 * What the connected account attested as KYC issuer: each account it attested or revoked, with its current standing
 * as the issuer's own history tells it (only the issuer's wallet can read these lines). Shown to issuers only.
 */
import { useBlockNumber, useConnection } from 'wagmi'
import { getAddress } from 'viem'
import { describeAttestation } from '../../../host/wallet/historyDetail'
import { identityFromHistory, issuerGrantSeq } from '../../../host/wallet/identityFromHistory'
import { shortHex } from '../../app/shortHex'
import { useAccountState } from '../../hooks/useAccountState'

export function IssuedAttestationsPanel() {
  const connection = useConnection()
  const account = useAccountState()
  const block = useBlockNumber({ watch: true })
  const reader = connection.address
  const history = account.data?.history ?? []
  const subjects = [
    ...new Set(
      history
        .filter((e) => e.direction === 'sent' && e.code === 0 && (e.op === 'attest' || e.op === 'revoke'))
        .map((e) => getAddress(e.counterparty)),
    ),
  ]
  if (subjects.length === 0 && issuerGrantSeq(history) === undefined) return null

  return (
    <section className="panel panel-wide" aria-labelledby="issued-title">
      <h2 id="issued-title">Attestations you gave</h2>
      <table className="table" aria-label="Attestations you gave">
        <thead>
          <tr>
            <th scope="col">Account</th>
            <th scope="col">Standing</th>
            <th scope="col">Since input</th>
          </tr>
        </thead>
        <tbody>
          {reader &&
            subjects.map((subject) => {
              const standing = identityFromHistory(history, { reader, subject })
              if (standing.state === 'unknown') return null
              const expired =
                standing.state === 'attested' &&
                block.data !== undefined &&
                block.data > standing.attestation.expiresBlock
              return (
                <tr key={subject} data-testid="issued-row">
                  <td className="mono" title={subject}>
                    {shortHex(subject)}
                  </td>
                  <td className={standing.state === 'revoked' || expired ? 'muted' : undefined}>
                    {standing.state === 'revoked'
                      ? 'revoked'
                      : `${describeAttestation(standing.attestation)}${expired ? ' (expired)' : ''}`}
                  </td>
                  <td>#{standing.seq.toString()}</td>
                </tr>
              )
            })}
          {subjects.length === 0 && (
            <tr>
              <td colSpan={3} className="muted">
                None yet.
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </section>
  )
}
