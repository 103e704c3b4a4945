/** Starts and stops hardhat's node (the `hardhat` npm package, Hardhat Network on EDR) on loopback only. */
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { ChainStartError } from '../errors/chain'
import { startChainProcess, type LocalChain } from './startChainProcess'

export type StartHardhatParameters = {
  /** TCP port; 0 (the default) lets the node pick a free one. */
  port?: number | undefined
  /** Hardhat's name of the fork the chain runs: 'shanghai' (the default), 'cancun', 'prague', … */
  hardfork?: string | undefined
  /** Mine a block every N seconds as well as on each transaction; undefined = automine only. */
  blockTimeSeconds?: number | undefined
  /** Milliseconds to wait for the node to answer. */
  timeoutMs?: number | undefined
}

export type Hardhat = LocalChain

const HARDHAT = { name: 'hardhat', packageName: 'hardhat' }
const CONFIG = fileURLToPath(new URL('./hardhat/hardhat.config.cjs', import.meta.url))

/**
 * Starts `hardhat node` on 127.0.0.1 (chain 31337, anvil's test accounts unlocked) and resolves when it answers.
 * @example
 * const hardhat = await startHardhat({ hardfork: 'shanghai' })
 * // … use hardhat.rpcUrl …
 * await hardhat.stop()
 */
export async function startHardhat(parameters: StartHardhatParameters = {}): Promise<Hardhat> {
  const { port = 0, hardfork = 'shanghai', blockTimeSeconds, timeoutMs = 30_000 } = parameters
  let cli: string
  try {
    cli = createRequire(import.meta.url).resolve('hardhat/internal/cli/bootstrap.js')
  } catch (cause) {
    throw new ChainStartError({ ...HARDHAT, details: 'hardhat is not installed.', cause })
  }
  const env = {
    ...process.env,
    ANONIFY_HARDHAT_HARDFORK: hardfork,
    ANONIFY_HARDHAT_BLOCK_TIME_SECONDS: String(blockTimeSeconds ?? 0),
    HARDHAT_DISABLE_TELEMETRY_PROMPT: 'true',
    NO_COLOR: '1',
    // Hardhat sends analytics and error reports where a user once consented, and shows a fetched banner; on CI never.
    CI: 'true',
  }
  return startChainProcess({
    chain: HARDHAT,
    command: process.execPath,
    args: [cli, 'node', '--config', CONFIG, '--hostname', '127.0.0.1', '--port', String(port)],
    env,
    listening: /JSON-RPC server at http:\/\/127\.0\.0\.1:(\d+)/,
    timeoutMs,
  })
}
