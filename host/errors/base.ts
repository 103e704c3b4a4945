/** Base error of every Anonify failure outside the enclave core, shaped like viem's BaseError. */

export type AnonifyErrorParameters = {
  /** Lines that tell the reader what to do about it. */
  metaMessages?: string[] | undefined
  /** Lower-level detail (an RPC message, a path). Never secrets. */
  details?: string | undefined
  /** README or DESIGN section that explains the failure. */
  docsPath?: string | undefined
  cause?: unknown
}

/** One sentence of what went wrong (`shortMessage`) plus the remedy (`metaMessages`). */
export class AnonifyError extends Error {
  override name = 'AnonifyError'
  readonly shortMessage: string
  readonly metaMessages: string[]
  readonly details: string | undefined
  readonly docsPath: string | undefined

  constructor(shortMessage: string, parameters: AnonifyErrorParameters = {}) {
    const { metaMessages = [], details, docsPath, cause } = parameters
    const message = [
      shortMessage,
      ...(metaMessages.length > 0 ? ['', ...metaMessages] : []),
      ...(details ? ['', `Details: ${details}`] : []),
      ...(docsPath ? [`Docs: ${docsPath}`] : []),
    ].join('\n')
    super(message, cause === undefined ? undefined : { cause })
    this.shortMessage = shortMessage
    this.metaMessages = metaMessages
    this.details = details
    this.docsPath = docsPath
  }

  /** Follows the `cause` chain to the deepest error, or the first one `match` accepts. */
  walk(match?: (error: unknown) => boolean): unknown {
    let current: unknown = this
    while (current instanceof Error) {
      if (match?.(current)) return current
      if (current.cause === undefined) break
      current = current.cause
    }
    return match ? undefined : current
  }
}
