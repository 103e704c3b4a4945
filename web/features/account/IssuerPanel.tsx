/**
 * The token issuer's tools: become the issuer once, then issue to an account and set which identity attributes
 * holders need. Refused for anyone else, with the reason.
 */
import { useState, type FormEvent } from 'react'
import { getAddress, isAddress } from 'viem'
import { useConnection } from 'wagmi'
import { formatError } from '../../../host/errors/formatError'
import { parseTokenAmount, TOKEN_SYMBOL } from '../../../host/wallet/tokenUnits'
import { useAccountState } from '../../hooks/useAccountState'
import { useSendCommand } from '../../hooks/useSendCommand'
import { CommandOutcome } from './CommandOutcome'
import { RequireAttributesForm } from './RequireAttributesForm'

export function IssuerPanel() {
  const connection = useConnection()
  const account = useAccountState()
  const send = useSendCommand('issuer')
  const [to, setTo] = useState('')
  const [amount, setAmount] = useState('')
  const [problem, setProblem] = useState<string>()
  const ready = connection.status === 'connected' && account.data !== undefined

  function issue(event: FormEvent) {
    event.preventDefault()
    setProblem(undefined)
    if (!isAddress(to.trim(), { strict: false })) return setProblem('Enter the recipient as a 0x address.')
    try {
      send.mutate({
        kind: 'command',
        command: { op: 'mint', to: getAddress(to.trim()), amount: parseTokenAmount(amount) },
      })
    } catch (error) {
      setProblem(formatError(error))
    }
  }

  return (
    <details className="panel">
      <summary>
        <h2>Issuer tools</h2>
      </summary>
      <p className="muted">The first account to initialise the token becomes its issuer; only the issuer may issue.</p>
      <button
        type="button"
        className="secondary"
        disabled={!ready || send.isPending}
        onClick={() => send.mutate({ kind: 'command', command: { op: 'init' } })}
      >
        Become the issuer
      </button>
      <form onSubmit={issue} noValidate className="form">
        <label htmlFor="issue-to">Issue to</label>
        <input id="issue-to" className="mono" placeholder="0x…" value={to} onChange={(e) => setTo(e.target.value)} />
        <label htmlFor="issue-amount">Amount to issue ({TOKEN_SYMBOL})</label>
        <input
          id="issue-amount"
          inputMode="decimal"
          placeholder="0.00"
          value={amount}
          onChange={(e) => setAmount(e.target.value)}
        />
        {problem && <p className="error field-error">{problem}</p>}
        <button type="submit" disabled={!ready || send.isPending}>
          Issue
        </button>
      </form>
      <CommandOutcome mutation={send} testId="issuer-outcome" />
      <RequireAttributesForm />
    </details>
  )
}
