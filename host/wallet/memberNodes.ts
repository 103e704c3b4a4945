/**
 * A wallet's member nodes by URL: each reads and relays, tried in turn (failover.ts), so the CLI and the web app
 * read and send through whichever answers correctly.
 */
import { createNodeClient } from '../relayer/createNodeClient'
import type { CommandPoster } from './confidentialWallet'
import { createFailover } from './failover'

/**
 * @example
 * const { readers, poster } = memberNodes(['http://127.0.0.1:8547', 'https://node.example'])
 * createConfidentialWallet({ ...rest, readers, poster })
 */
export function memberNodes(urls: readonly string[]) {
  const readers = urls.map((url) => ({ name: url, reader: createNodeClient(url) }))
  const relayers = createFailover(readers.map(({ name, reader }) => ({ name, value: reader })))
  const poster: CommandPoster = { postCommand: (record) => relayers.attempt((node) => node.postCommand(record)) }
  return { readers, poster }
}
