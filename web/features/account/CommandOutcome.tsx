/**
 * What became of the last command a form sent: pending (until its block is final and applied, so a reorg never shows
 * a refusal or a success that the chain takes back), applied at an input, or refused with the enclave's reason.
 */
import type { UseMutationResult } from '@tanstack/react-query'
import { OUTCOME_NAMES } from '../../../enclave-wasm/envelopes/accountRead'
import type { AccountReply } from '../../../enclave-wasm/envelopes/readReply'
import { ErrorAlert } from '../../app/ErrorAlert'

type Receipted = AccountReply & { receipt: NonNullable<AccountReply['receipt']> }

export function CommandOutcome({
  mutation,
  testId,
}: {
  mutation: Pick<UseMutationResult<Receipted, Error, never>, 'status' | 'data' | 'error'>
  testId: string
}) {
  if (mutation.status === 'pending')
    return (
      <p role="status" className="muted" data-testid={testId}>
        Pending: sealed and sent; it counts once the block holding it is final and the enclave has applied it…
      </p>
    )
  if (mutation.status === 'error') return <ErrorAlert error={mutation.error} />
  if (mutation.status !== 'success' || !mutation.data) return null
  const { code, seq } = mutation.data.receipt
  return code === 0 ? (
    <p role="status" className="ok" data-testid={testId}>
      Applied at input {seq.toString()}.
    </p>
  ) : (
    <p role="alert" className="error" data-testid={testId}>
      Refused at input {seq.toString()}: {OUTCOME_NAMES[code] ?? `failure code ${code}`}.
    </p>
  )
}
