/** Shown instead of the app when it cannot start (no deployment, unreachable server). */
import { formatError } from '../../host/errors/formatError'

export function StartupError({ error }: { error: unknown }) {
  return (
    <main className="page">
      <h1>Anonify</h1>
      <div role="alert" className="panel panel-error">
        <h2>The app could not start</h2>
        <p>{formatError(error)}</p>
      </div>
    </main>
  )
}
