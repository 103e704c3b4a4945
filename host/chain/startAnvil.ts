/** Starts and stops a local anvil chain from the `@foundry-rs/anvil` npm package, on loopback only. */
import { spawn, type ChildProcess } from 'node:child_process'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { AnvilStartError } from '../errors/chain'

export type StartAnvilParameters = {
  /** TCP port; 0 (the default) lets anvil pick a free one. */
  port?: number | undefined
  /** Mine a block every N seconds as well as on each transaction; undefined = automine only. */
  blockTimeSeconds?: number | undefined
  /** Chain id; anvil's default is 31337. */
  chainId?: number | undefined
  /** Milliseconds to wait for anvil to listen. */
  timeoutMs?: number | undefined
}

export type Anvil = {
  rpcUrl: string
  port: number
  /** Stops the process and resolves once it has exited. Safe to call twice. */
  stop: () => Promise<void>
}

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
  if (!pkg) throw new AnvilStartError({ details: `No anvil package for platform ${key}.` })
  try {
    const require = createRequire(import.meta.url)
    const exe = process.platform === 'win32' ? 'anvil.exe' : 'anvil'
    return join(dirname(require.resolve(`${pkg}/package.json`)), 'bin', exe)
  } catch (cause) {
    throw new AnvilStartError({ details: `${pkg} is not installed.`, cause })
  }
}

/**
 * Starts anvil on 127.0.0.1 and resolves when it listens.
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

  const child = spawn(resolveAnvilBinary(), args, { stdio: ['ignore', 'pipe', 'pipe'] })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
    await exited
  }
  try {
    const listeningPort = await waitForListening(child, timeoutMs)
    return { rpcUrl: `http://127.0.0.1:${listeningPort}`, port: listeningPort, stop }
  } catch (error) {
    await stop()
    throw error
  }
}

function waitForListening(child: ChildProcess, timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    let output = ''
    const timer = setTimeout(
      () =>
        fail(new AnvilStartError({ details: `Not listening after ${timeoutMs} ms. Output: ${output.slice(-500)}` })),
      timeoutMs,
    )
    const onData = (chunk: Buffer) => {
      output += chunk.toString()
      const match = /Listening on 127\.0\.0\.1:(\d+)/.exec(output)
      if (match) {
        cleanup()
        // Keep draining the pipes so anvil never blocks on a full stdout.
        child.stdout?.resume()
        child.stderr?.resume()
        resolve(Number(match[1]))
      }
    }
    const onExit = (code: number | null) =>
      fail(new AnvilStartError({ details: `anvil exited with code ${code}. Output: ${output.slice(-500)}` }))
    const onError = (cause: Error) => fail(new AnvilStartError({ details: cause.message, cause }))
    function cleanup() {
      clearTimeout(timer)
      child.stdout?.off('data', onData)
      child.stderr?.off('data', onData)
      child.off('exit', onExit)
      child.off('error', onError)
    }
    function fail(error: Error) {
      cleanup()
      reject(error)
    }
    child.stdout?.on('data', onData)
    child.stderr?.on('data', onData)
    child.once('exit', onExit)
    child.once('error', onError)
  })
}
