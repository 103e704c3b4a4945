/** The lifecycle anvil and hardhat share: spawn a local chain on loopback, wait until it answers, stop it. */
import { spawn, type ChildProcess } from 'node:child_process'
import { ChainStartError } from '../errors/chain'

/** A running local chain. */
export type LocalChain = {
  rpcUrl: string
  port: number
  /** Stops the process and resolves once it has exited. Safe to call twice. */
  stop: () => Promise<void>
}

export type StartChainProcessParameters = {
  /** Names the chain and the npm package that ships it, for errors. */
  chain: { name: string; packageName: string }
  command: string
  args: string[]
  env?: NodeJS.ProcessEnv | undefined
  /** Matches the output line that announces the port it listens on (group 1). */
  listening: RegExp
  /** Milliseconds to wait until it answers `eth_chainId`. */
  timeoutMs: number
}

/** How long a chain may take to exit after SIGTERM before it is killed. */
const STOP_GRACE_MS = 5_000

/**
 * Spawns `command`, reads its port from its output and resolves once `eth_chainId` answers there.
 * Throws `ChainStartError` if it exits, fails to spawn or stays silent for `timeoutMs`; the process is stopped then.
 */
export async function startChainProcess(parameters: StartChainProcessParameters): Promise<LocalChain> {
  const { chain, command, args, env, listening, timeoutMs } = parameters
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const stop = async () => {
    // A process that never spawned has no pid and emits no exit.
    if (child.pid === undefined) return
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS)
    await exited
    clearTimeout(timer)
  }
  const fail = (details: string, cause?: unknown) => new ChainStartError({ ...chain, details, cause })
  const deadline = performance.now() + timeoutMs
  try {
    const port = await waitForPort(child, listening, timeoutMs, fail)
    const rpcUrl = `http://127.0.0.1:${port}`
    await waitForChainId(rpcUrl, deadline, fail)
    return { rpcUrl, port, stop }
  } catch (error) {
    await stop()
    throw error
  }
}

function waitForPort(
  child: ChildProcess,
  listening: RegExp,
  timeoutMs: number,
  fail: (details: string, cause?: unknown) => ChainStartError,
): Promise<number> {
  return new Promise((resolve, reject) => {
    let output = ''
    const timer = setTimeout(
      () => finish(fail(`Not listening after ${timeoutMs} ms. Output: ${excerpt(output)}`)),
      timeoutMs,
    )
    const onData = (chunk: Buffer) => {
      output += chunk.toString()
      const match = listening.exec(output)
      if (match) finish(Number(match[1]))
    }
    const onExit = (code: number | null) => finish(fail(`It exited with code ${code}. Output: ${excerpt(output)}`))
    const onError = (cause: Error) => finish(fail(cause.message, cause))
    function finish(result: number | ChainStartError) {
      clearTimeout(timer)
      child.stdout?.off('data', onData)
      child.stderr?.off('data', onData)
      child.off('exit', onExit)
      child.off('error', onError)
      // Keep draining the pipes so the chain never blocks on a full stdout.
      child.stdout?.resume()
      child.stderr?.resume()
      if (typeof result === 'number') resolve(result)
      else reject(result)
    }
    child.stdout?.on('data', onData)
    child.stderr?.on('data', onData)
    child.once('exit', onExit)
    child.once('error', onError)
  })
}

/** The start and the end of a long output: the cause is often the first line, the last words at the end. */
function excerpt(output: string): string {
  return output.length > 1_000 ? `${output.slice(0, 500)} … ${output.slice(-500)}` : output
}

/** Some nodes print their address before the JSON-RPC handler is up: the chain is ready when it answers. */
async function waitForChainId(
  rpcUrl: string,
  deadline: number,
  fail: (details: string, cause?: unknown) => ChainStartError,
): Promise<void> {
  const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_chainId', params: [] })
  for (;;) {
    let problem: unknown
    try {
      const response = await fetch(rpcUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body })
      const json = (await response.json()) as { result?: unknown }
      if (typeof json.result === 'string') return
      problem = new Error(`eth_chainId answered ${JSON.stringify(json)}`)
    } catch (cause) {
      problem = cause
    }
    if (performance.now() > deadline) throw fail(`${rpcUrl} did not answer eth_chainId.`, problem)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}
