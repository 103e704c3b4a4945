/**
 * The stack on a second EVM implementation: hardhat's network at the Shanghai fork (no Cancun opcodes). `anonify
 * deploy` with a key, then `anonify dev --rpc` with the node's unlocked accounts and the seed through the CLI, as a
 * person types it; Ctrl-C stops everything dev started and leaves the test's own chain running.
 */
import { execFile, spawn } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { createPublicClient, http } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startHardhat, type Hardhat } from '../../host/chain/startHardhat'
import { REPO_ROOT } from '../../host/deployment/paths'

/** hardhat's (and anvil's) public test keys: account #0 issues, #1 is Alice, #2 is Bob, #3 deploys. */
const ISSUER_KEY = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80'
const ALICE_KEY = '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d'
const BOB_KEY = '0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a'
const DEPLOYER_KEY = '0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6'
const ALICE = privateKeyToAccount(ALICE_KEY).address
const BOB = privateKeyToAccount(BOB_KEY).address

const run = promisify(execFile)
const anonify = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  run(process.execPath, ['cli/bin/anonify.js', ...args], { cwd: REPO_ROOT, env: { ...process.env, ...env } })

let hardhat: Hardhat
let dir: string
beforeAll(async () => {
  hardhat = await startHardhat({ hardfork: 'shanghai' })
  dir = await mkdtemp(join(tmpdir(), 'anonify-hardhat-'))
}, 60_000)
afterAll(async () => {
  await hardhat?.stop()
  await rm(dir, { recursive: true, force: true })
})

/** True while any process of the group `pgid` is alive. */
function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0)
    return true
  } catch {
    return false
  }
}

describe('anonify on hardhat at the Shanghai fork', () => {
  it('deploy: refuses an unknown --evm-version, then deploys the shanghai bytecode with ANONIFY_DEPLOYER_KEY', {
    timeout: 120_000,
  }, async () => {
    const path = join(dir, 'deployed.json')
    const refused = await anonify([
      'deploy',
      '--rpc',
      hardhat.rpcUrl,
      '--deployment',
      path,
      '--evm-version',
      'paris',
    ]).catch((e: { code: number; stderr: string }) => e)
    expect(refused).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('--evm-version must be one of shanghai, cancun, prague, osaka, got "paris"'),
    })

    const { stdout } = await anonify(['deploy', '--rpc', hardhat.rpcUrl, '--deployment', path], {
      ANONIFY_DEPLOYER_KEY: DEPLOYER_KEY,
    })
    expect(stdout).toContain('(shanghai)')
    const deployment = JSON.parse(await readFile(path, 'utf8')) as {
      chainId: number
      evmVersion: string
      contracts: { ledger: `0x${string}` }
    }
    expect(deployment).toMatchObject({ chainId: 31337, evmVersion: 'shanghai' })
    const code = await createPublicClient({ transport: http(hardhat.rpcUrl) }).getCode({
      address: deployment.contracts.ledger,
    })
    expect(code?.length).toBeGreaterThan(2)
  })

  it('dev --rpc: runs the seed through the CLI with the unlocked accounts, and Ctrl-C stops what it started', {
    timeout: 120_000,
  }, async () => {
    const deploymentPath = join(dir, 'deployment.json')
    // Its own process group, so the check below sees the member's helpers too.
    const child = spawn(
      process.execPath,
      [
        'cli/bin/anonify.js',
        'dev',
        '--rpc',
        hardhat.rpcUrl,
        '--port',
        '0',
        '--node-port',
        '0',
        '--deployment',
        deploymentPath,
        '--data',
        join(dir, 'node'),
      ],
      { cwd: REPO_ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
    )
    let output = ''
    const waiters = new Set<() => void>()
    for (const stream of [child.stdout, child.stderr])
      stream.on('data', (chunk: Buffer) => {
        output += chunk.toString()
        for (const waiter of waiters) waiter()
      })
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
    /** Resolves once the output so far matches `pattern`; rejects if dev exits first. */
    const outputMatches = (pattern: RegExp) =>
      new Promise<RegExpExecArray>((resolve, reject) => {
        const check = () => {
          const match = pattern.exec(output)
          if (!match) return
          waiters.delete(check)
          resolve(match)
        }
        waiters.add(check)
        check()
        void exited.then(() => reject(new Error(`anonify dev exited early:\n${output}`)))
      })

    const nodeUrl = (await outputMatches(/Node API: (\S+)/))[1]!
    // The always-on member registers and keys epoch 1: the relayer then accepts sealed commands.
    await outputMatches(/member: proposed epoch 1[\s\S]*at seq \d/)
    const wallet = async (...args: string[]) =>
      (await anonify(['wallet', ...args, '--node', nodeUrl, '--deployment', deploymentPath])).stdout

    await wallet('init', '--key', ISSUER_KEY)
    await wallet('mint', '--key', ISSUER_KEY, '--to', ALICE, '--amount', '100')
    expect(await wallet('transfer', '--key', ALICE_KEY, '--to', BOB, '--amount', '60')).toContain('Balance: 40.')
    expect(JSON.parse(await wallet('balance', '--key', BOB_KEY, '--json'))).toMatchObject({
      account: BOB,
      balance: '60',
    })
    expect(await wallet('history', '--key', BOB_KEY)).toMatch(new RegExp(`received transfer\\s+60 ANON from ${ALICE}`))
    expect(output).not.toMatch(/member: .*(failed|invalid|Missing)/)

    process.kill(child.pid!, 'SIGINT')
    expect(await exited).toBe(0)
    expect(output).toContain('Stopped.')
    await expect.poll(() => groupAlive(child.pid!), { timeout: 5_000 }).toBe(false)
    // dev did not start the chain, so it leaves it running.
    expect(await createPublicClient({ transport: http(hardhat.rpcUrl) }).getChainId()).toBe(31337)
  })
})
