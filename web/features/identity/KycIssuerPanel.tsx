/**
 * The KYC issuer's tools: attest attributes to an account, with a jurisdiction and an expiry block, or revoke them.
 * Input is checked here; the enclave decides who may (only the issuer governance granted) and says why if not.
 */
import { useState, type FormEvent } from 'react'
import { getAddress, isAddress } from 'viem'
import { useBlockNumber, useConnection } from 'wagmi'
import { formatError } from '../../../host/errors/formatError'
import { issuerGrantSeq } from '../../../host/wallet/identityFromHistory'
import { parseJurisdiction } from '../../../host/wallet/jurisdictions'
import { useAccountState } from '../../hooks/useAccountState'
import { useSendCommand } from '../../hooks/useSendCommand'
import { CommandOutcome } from '../account/CommandOutcome'
import { AttributeChoice } from './AttributeChoice'

/** What the expiry field suggests: about two weeks of 12-second blocks from now. */
const DEFAULT_VALIDITY_BLOCKS = 100_000n
const MAX_U64 = (1n << 64n) - 1n

type Field = 'subject' | 'attributes' | 'jurisdiction' | 'expires'

export function KycIssuerPanel() {
  const connection = useConnection()
  const account = useAccountState()
  const block = useBlockNumber({ watch: true })
  const send = useSendCommand('identity')
  const [subject, setSubject] = useState('')
  const [mask, setMask] = useState(1)
  const [jurisdiction, setJurisdiction] = useState('')
  const [expires, setExpires] = useState('')
  const [problem, setProblem] = useState<{ field: Field; message: string }>()
  const ready = connection.status === 'connected' && account.data !== undefined
  const granted = account.data ? issuerGrantSeq(account.data.history) : undefined

  function subjectAddress() {
    const text = subject.trim()
    if (isAddress(text, { strict: false })) return getAddress(text)
    setProblem({ field: 'subject', message: 'Enter the account as a 0x address (40 hex digits).' })
    return undefined
  }

  function attest(event: FormEvent) {
    event.preventDefault()
    setProblem(undefined)
    const to = subjectAddress()
    if (!to) return
    if (mask === 0) return setProblem({ field: 'attributes', message: 'Choose at least one attribute (or revoke).' })
    let code = 0
    try {
      code = jurisdiction.trim() === '' ? 0 : parseJurisdiction(jurisdiction)
    } catch (error) {
      return setProblem({ field: 'jurisdiction', message: formatError(error) })
    }
    const text = expires.trim() || (block.data !== undefined ? (block.data + DEFAULT_VALIDITY_BLOCKS).toString() : '')
    const expiresBlock = /^\d{1,20}$/.test(text) ? BigInt(text) : -1n
    if (expiresBlock < 0n || expiresBlock > MAX_U64)
      return setProblem({ field: 'expires', message: 'Enter the last valid block as a whole number.' })
    if (block.data !== undefined && expiresBlock <= block.data)
      return setProblem({ field: 'expires', message: `Block ${block.data} is already here: choose a later one.` })
    send.mutate({
      kind: 'command',
      command: { op: 'attest', subject: to, attributes: mask, jurisdiction: code, expiresBlock },
    })
  }

  function revoke() {
    setProblem(undefined)
    const to = subjectAddress()
    if (to) send.mutate({ kind: 'command', command: { op: 'revoke', subject: to } })
  }

  const error = (field: Field) =>
    problem?.field === field && (
      <p id={`kyc-${field}-error`} className="error field-error">
        {problem.message}
      </p>
    )

  return (
    // Folded for everyone but the issuer; still there for one whose grant has scrolled out of its history.
    <details className="panel" open={granted !== undefined}>
      <summary>
        <h2>KYC issuer tools</h2>
      </summary>
      <p className="muted" data-testid="kyc-issuer-status">
        {granted !== undefined
          ? `Governance granted you the KYC issuer role at input ${granted}.`
          : 'Only the account governance granted the KYC issuer role (on the Ledger) may attest; the enclave refuses anyone else.'}
      </p>
      <form onSubmit={attest} noValidate className="form">
        <label htmlFor="kyc-subject">Account</label>
        <input
          id="kyc-subject"
          className="mono"
          placeholder="0x…"
          autoComplete="off"
          spellCheck={false}
          value={subject}
          onChange={(e) => setSubject(e.target.value)}
          aria-invalid={problem?.field === 'subject'}
          aria-describedby="kyc-subject-error"
        />
        {error('subject')}
        <AttributeChoice legend="Attributes" mask={mask} onChange={setMask} idPrefix="kyc" />
        {error('attributes')}
        <label htmlFor="kyc-jurisdiction">Jurisdiction (ISO code, e.g. JP; optional)</label>
        <input
          id="kyc-jurisdiction"
          placeholder="JP"
          autoComplete="off"
          value={jurisdiction}
          onChange={(e) => setJurisdiction(e.target.value)}
          aria-invalid={problem?.field === 'jurisdiction'}
          aria-describedby="kyc-jurisdiction-error"
        />
        {error('jurisdiction')}
        <label htmlFor="kyc-expires">Valid until block</label>
        <input
          id="kyc-expires"
          inputMode="numeric"
          placeholder={block.data !== undefined ? (block.data + DEFAULT_VALIDITY_BLOCKS).toString() : 'block number'}
          autoComplete="off"
          value={expires}
          onChange={(e) => setExpires(e.target.value)}
          aria-invalid={problem?.field === 'expires'}
          aria-describedby="kyc-expires-error"
        />
        {error('expires')}
        <div className="buttons">
          <button type="submit" disabled={!ready || send.isPending}>
            {send.isPending ? 'Sending…' : 'Attest'}
          </button>
          <button type="button" className="secondary" disabled={!ready || send.isPending} onClick={revoke}>
            Revoke
          </button>
        </div>
      </form>
      <CommandOutcome mutation={send} testId="kyc-outcome" />
    </details>
  )
}
