/**
 * Member nodes a wallet reads and sends through, tried in turn: one that is down, restarting, or answers wrongly (a
 * reply the wallet refuses) is passed over for the next, and the one that answered is asked first next time.
 */
import { AnonifyError } from '../errors/base'
import { NodeUnavailableError } from '../errors/node'
import { ReadReplyRefusedError } from '../errors/read'

/** No node answered; each one's reason, in the order they were asked. */
export class NoNodeAnsweredError extends AnonifyError {
  override name = 'NoNodeAnsweredError' as const
  constructor(readonly failures: { node: string; error: Error }[]) {
    super(`None of ${failures.length} member nodes answered correctly.`, {
      metaMessages: failures.map(
        ({ node, error }) => `${node}: ${(error as AnonifyError).shortMessage ?? error.message}`,
      ),
    })
  }
}

/** What makes a node worth passing over: it is unreachable or unavailable, or its reply was refused. */
const isNodeFault = (error: unknown): error is Error =>
  error instanceof NodeUnavailableError || error instanceof ReadReplyRefusedError

/**
 * @example
 * const nodes = createFailover([{ name: url1, value: node1 }, { name: url2, value: node2 }])
 * const reply = await nodes.attempt((node, name) => node.readAccount(params))
 */
export function createFailover<node>(routes: readonly { name: string; value: node }[]) {
  if (routes.length === 0) throw new AnonifyError('A wallet needs at least one member node to read and send through.')
  let preferred = 0
  return {
    /** The node asked first. */
    preferred: () => routes[preferred]!.name,
    /** Runs `use` on the preferred node, then on each other until one does not fail as a node fault. */
    async attempt<result>(use: (node: node, name: string) => Promise<result>): Promise<result> {
      const failures: { node: string; error: Error }[] = []
      for (let i = 0; i < routes.length; i++) {
        const index = (preferred + i) % routes.length
        const { name, value } = routes[index]!
        try {
          const result = await use(value, name)
          preferred = index
          return result
        } catch (error) {
          if (!isNodeFault(error)) throw error
          failures.push({ node: name, error })
        }
      }
      throw failures.length === 1 ? failures[0]!.error : new NoNodeAnsweredError(failures)
    },
  }
}

export type Failover<node> = ReturnType<typeof createFailover<node>>
