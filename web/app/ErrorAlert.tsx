/** An inline error line, announced to screen readers; renders nothing without an error. */
import { formatError } from '../../host/errors/formatError'

export function ErrorAlert({ error }: { error: unknown }) {
  if (error === null || error === undefined) return null
  return (
    <p role="alert" className="error">
      {formatError(error)}
    </p>
  )
}
