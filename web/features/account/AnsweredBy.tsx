/**
 * Which member answered the page's last read, and what the chain says of it: the page believes a balance only from an
 * enclave that signed its answer to this very request and is an active registered member with an allowed measurement,
 * answering from an input the Ledger holds (host/ledger/checkReadAnswer.ts).
 */
import type { VerifiedAnswerer } from '../../../host/ledger/checkReadAnswer'
import { shortHex } from '../../app/shortHex'
import { tcbName } from '../../app/tcbNames'

export function AnsweredBy({ answerer }: { answerer: VerifiedAnswerer }) {
  return (
    <div className="answered-by" data-testid="answered-by">
      <p>
        <span className="ok" data-testid="answered-by-verdict">
          Verified on chain
        </span>{' '}
        · answered by <span data-testid="answered-by-node">{answerer.node}</span>
      </p>
      <dl>
        <dt>Enclave</dt>
        <dd className="mono" title={answerer.signer} data-testid="answered-by-signer">
          {shortHex(answerer.signer)}
        </dd>
        <dt>Operator</dt>
        <dd className="mono" title={answerer.operator}>
          {shortHex(answerer.operator)}
        </dd>
        <dt>Measurement</dt>
        <dd className="mono" title={answerer.measurement} data-testid="answered-by-measurement">
          {shortHex(answerer.measurement)} (allowed)
        </dd>
        <dt>TCB</dt>
        <dd>{tcbName(answerer.tcbStatus)}</dd>
        <dt>Registered</dt>
        <dd data-testid="answered-by-registered">block {answerer.registeredBlock.toString()}</dd>
        <dt>State</dt>
        <dd>
          input {answerer.seq.toString()} of {answerer.ledgerSeq.toString()} on the Ledger
        </dd>
      </dl>
    </div>
  )
}
