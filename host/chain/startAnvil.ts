/** Starts and stops a local anvil chain from the `@foundry-rs/anvil` npm package, on loopback only. */
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { ChainStartError } from '../errors/chain'
import { startChainProcess, type LocalChain } from './startChainProcess'

export type StartAnvilParameters = {
  /** TCP port; 0 (the default) lets anvil pick a free one. */
  port?: number | undefined
  /** Mine a block every N seconds as well as on each transaction; undefined = automine only. */
  blockTimeSeconds?: number | undefined
  /** Chain id; anvil's default is 31337. */
  chainId?: number | undefined
  /** Milliseconds to wait for anvil to answer. */
  timeoutMs?: number | undefined
}

export type Anvil = LocalChain

const ANVIL = { name: 'anvil', packageName: '@foundry-rs/anvil' }

const ANVIL_PLATFORM_PACKAGES: Record<string, string> = {
  'linux-x64': '@foundry-rs/anvil-linux-amd64',
  'linux-arm64': '@foundry-rs/anvil-linux-arm64',
  'darwin-x64': '@foundry-rs/anvil-darwin-amd64',
  'darwin-arm64': '@foundry-rs/anvil-darwin-arm64',
  'win32-x64': '@foundry-rs/anvil-win32-amd64',
}

/** Path of the anvil binary shipped by the platform package that npm installed (no download). */
export function resolveAnvilBinary(): string {
  const key = `${process.platform}-${process.arch}`
  const pkg = ANVIL_PLATFORM_PACKAGES[key]
  if (!pkg) throw new ChainStartError({ ...ANVIL, details: `No anvil package for platform ${key}.` })
  try {
    const require = createRequire(import.meta.url)
    const exe = process.platform === 'win32' ? 'anvil.exe' : 'anvil'
    return join(dirname(require.resolve(`${pkg}/package.json`)), 'bin', exe)
  } catch (cause) {
    throw new ChainStartError({ ...ANVIL, details: `${pkg} is not installed.`, cause })
  }
}

/**
 * Starts anvil on 127.0.0.1 and resolves when it answers.
 * @example
 * const anvil = await startAnvil({ blockTimeSeconds: 1 })
 * // … use anvil.rpcUrl …
 * await anvil.stop()
 */
export async function startAnvil(parameters: StartAnvilParameters = {}): Promise<Anvil> {
  const { port = 0, blockTimeSeconds, chainId, timeoutMs = 15_000 } = parameters
  const args = ['--host', '127.0.0.1', '--port', String(port), '--no-request-size-limit']
  if (blockTimeSeconds !== undefined) args.push('--block-time', String(blockTimeSeconds))
  if (chainId !== undefined) args.push('--chain-id', String(chainId))
  return startChainProcess({
    chain: ANVIL,
    command: resolveAnvilBinary(),
    args,
    listening: /Listening on 127\.0\.0\.1:(\d+)/,
    timeoutMs,
  })
}
