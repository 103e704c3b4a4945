/** The fast path: one signature grants a session key; until it ends, transfers need no signature each. */
import { useConnection } from 'wagmi'
import { useAccountState } from '../../hooks/useAccountState'
import { useSendCommand } from '../../hooks/useSendCommand'
import { CommandOutcome } from './CommandOutcome'

export function SessionPanel() {
  const connection = useConnection()
  const account = useAccountState()
  const session = account.data?.apps.session
  const send = useSendCommand('session')
  const ready = connection.status === 'connected' && account.data !== undefined

  return (
    <section className="panel" aria-labelledby="session-title">
      <h2 id="session-title">Session (fast path)</h2>
      <p className="muted">
        Sign once; then each transfer is a 96-byte record that needs no signature. A session ends at its expiry block,
        when you end it, and at every rekey of the group.
      </p>
      <p data-testid="session-state">
        {session
          ? `Live until block ${session.expiresBlock.toString()} (epoch ${session.epoch.toString()}, ${session.next.toString()} records used)`
          : 'No live session.'}
      </p>
      <div className="buttons">
        <button
          type="button"
          disabled={!ready || send.isPending || session !== undefined}
          onClick={() => send.mutate({ kind: 'startSession' })}
        >
          Start a session
        </button>
        <button
          type="button"
          className="secondary"
          disabled={!ready || send.isPending || session === undefined}
          onClick={() => send.mutate({ kind: 'endSession' })}
        >
          End the session
        </button>
      </div>
      <CommandOutcome mutation={send} testId="session-outcome" />
    </section>
  )
}
