/** Checkboxes for identity attributes, as a bit mask: used to attest them and to require them for the token. */
import { ATTRIBUTES, type AttributeName } from '../../../enclave-wasm/envelopes/apps/identityFacts'

const LABELS: Record<AttributeName, string> = { kyc: 'KYC passed', accredited: 'Accredited investor' }

export function AttributeChoice({
  legend,
  mask,
  onChange,
  idPrefix,
}: {
  legend: string
  mask: number
  onChange: (mask: number) => void
  idPrefix: string
}) {
  return (
    <fieldset className="choice">
      <legend>{legend}</legend>
      {(Object.keys(ATTRIBUTES) as AttributeName[]).map((name) => (
        <label key={name} className="check">
          <input
            type="checkbox"
            id={`${idPrefix}-${name}`}
            checked={(mask & ATTRIBUTES[name]) !== 0}
            onChange={(e) => onChange(e.target.checked ? mask | ATTRIBUTES[name] : mask & ~ATTRIBUTES[name])}
          />
          {LABELS[name]}
        </label>
      ))}
    </fieldset>
  )
}
