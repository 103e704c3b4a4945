/**
 * The token issuer's holder rule: recipients of issues and transfers must hold these identity attributes (none
 * clears the rule). The enclave refuses it from anyone but the token issuer.
 */
import { useState, type FormEvent } from 'react'
import { useConnection } from 'wagmi'
import { useAccountState } from '../../hooks/useAccountState'
import { useSendCommand } from '../../hooks/useSendCommand'
import { AttributeChoice } from '../identity/AttributeChoice'
import { CommandOutcome } from './CommandOutcome'

export function RequireAttributesForm() {
  const connection = useConnection()
  const account = useAccountState()
  const send = useSendCommand('requireAttributes')
  const [mask, setMask] = useState(1)
  const ready = connection.status === 'connected' && account.data !== undefined

  function submit(event: FormEvent) {
    event.preventDefault()
    send.mutate({ kind: 'command', command: { op: 'requireAttributes', attributes: mask } })
  }

  return (
    <form onSubmit={submit} noValidate className="form" aria-label="Require identity attributes">
      <AttributeChoice legend="Recipients must hold" mask={mask} onChange={setMask} idPrefix="require" />
      <p className="muted field-error">
        {mask === 0
          ? 'No attribute chosen: anyone may receive the token.'
          : 'Transfers and issues to accounts without these attributes are refused.'}
      </p>
      <button type="submit" className="secondary" disabled={!ready || send.isPending}>
        {mask === 0 ? 'Clear the requirement' : 'Require attributes'}
      </button>
      <CommandOutcome mutation={send} testId="require-outcome" />
    </form>
  )
}
