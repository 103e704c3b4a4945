/** Sends a confidential transfer: validated here, sealed in the page, posted by a relayer (default) or directly. */
import { useState, type FormEvent } from 'react'
import { getAddress, isAddress, isAddressEqual } from 'viem'
import { useConnection } from 'wagmi'
import { useAccountState } from '../../hooks/useAccountState'
import { usePostingRoute } from '../../hooks/usePostingRoute'
import { useReadMode } from '../../hooks/useReadMode'
import { useSendCommand } from '../../hooks/useSendCommand'
import { formatError } from '../../../host/errors/formatError'
import { formatTokenAmount, parseTokenAmount, TOKEN_SYMBOL } from '../../../host/wallet/tokenUnits'
import { CommandOutcome } from './CommandOutcome'

export function TransferForm() {
  const connection = useConnection()
  const account = useAccountState()
  const send = useSendCommand('transfer')
  const [route, setRoute] = usePostingRoute()
  const mode = useReadMode()
  const [to, setTo] = useState('')
  const [amount, setAmount] = useState('')
  const [viaSession, setViaSession] = useState(true)
  const [problem, setProblem] = useState<{ field: 'to' | 'amount'; message: string }>()
  const sessionLive = account.data?.apps.session !== undefined
  const ready = connection.status === 'connected' && account.data !== undefined

  function submit(event: FormEvent) {
    event.preventDefault()
    setProblem(undefined)
    const recipient = to.trim()
    if (!isAddress(recipient, { strict: false }))
      return setProblem({ field: 'to', message: 'Enter the recipient as a 0x address (40 hex digits).' })
    if (connection.address && isAddressEqual(getAddress(recipient), connection.address))
      return setProblem({ field: 'to', message: 'That is your own address.' })
    let value: bigint
    try {
      value = parseTokenAmount(amount)
    } catch (error) {
      return setProblem({ field: 'amount', message: formatError(error) })
    }
    if (account.data && value > account.data.apps.token.balance)
      return setProblem({
        field: 'amount',
        message: `You hold ${formatTokenAmount(account.data.apps.token.balance)} ${TOKEN_SYMBOL}.`,
      })
    send.mutate({
      kind: 'command',
      command: { op: 'transfer', to: getAddress(recipient), amount: value },
      session: sessionLive && viaSession,
    })
  }

  return (
    <section className="panel" aria-labelledby="transfer-title">
      <h2 id="transfer-title">Send</h2>
      <form onSubmit={submit} noValidate className="form">
        <label htmlFor="transfer-to">Recipient</label>
        <input
          id="transfer-to"
          name="to"
          className="mono"
          placeholder="0x…"
          autoComplete="off"
          spellCheck={false}
          value={to}
          onChange={(e) => setTo(e.target.value)}
          aria-invalid={problem?.field === 'to'}
          aria-describedby="transfer-to-error"
        />
        {problem?.field === 'to' && (
          <p id="transfer-to-error" className="error field-error">
            {problem.message}
          </p>
        )}
        <label htmlFor="transfer-amount">Amount ({TOKEN_SYMBOL})</label>
        <input
          id="transfer-amount"
          name="amount"
          inputMode="decimal"
          placeholder="0.00"
          autoComplete="off"
          value={amount}
          onChange={(e) => setAmount(e.target.value)}
          aria-invalid={problem?.field === 'amount'}
          aria-describedby="transfer-amount-error"
        />
        {problem?.field === 'amount' && (
          <p id="transfer-amount-error" className="error field-error">
            {problem.message}
          </p>
        )}
        <label className="check">
          <input
            type="checkbox"
            checked={sessionLive && viaSession}
            disabled={!sessionLive}
            onChange={(e) => setViaSession(e.target.checked)}
          />
          Use my session (no signature){sessionLive ? '' : ' — start one below'}
        </label>
        <fieldset className="choice">
          <legend>Post through</legend>
          <label className="check">
            <input
              type="radio"
              name="route"
              value="relayer"
              checked={mode === 'light' || route === 'relayer'}
              onChange={() => setRoute('relayer')}
            />{' '}
            a relayer (your address stays off chain)
          </label>
          <label className="check">
            <input
              type="radio"
              name="route"
              value="direct"
              checked={mode === 'replica' && route === 'direct'}
              disabled={mode === 'light'}
              onChange={() => setRoute('direct')}
            />{' '}
            my wallet, directly (your address becomes the poster on chain; you pay gas)
            {mode === 'light' && ' — needs a replica in this tab, which checks the record before you pay for it'}
          </label>
        </fieldset>
        <button type="submit" disabled={!ready || send.isPending}>
          {send.isPending ? 'Sending…' : 'Send confidentially'}
        </button>
      </form>
      <CommandOutcome mutation={send} testId="transfer-outcome" />
    </section>
  )
}
