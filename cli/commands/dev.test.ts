/** `anonify dev` as a person runs it: start, open the printed URL, query the chain, Ctrl-C, nothing left behind. */
import { execFile, spawn } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, describe, expect, it } from 'vitest'
import { keccak256, toHex } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { aStrangersRead, readJson } from '../../enclave-wasm/envelopes/strangersRead.fixture'
import { REPO_ROOT } from '../../host/deployment/paths'

const dirs: string[] = []
afterAll(async () => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))))

/** True while any process of the group `pgid` is alive. */
function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0)
    return true
  } catch {
    return false
  }
}

describe('anonify dev', () => {
  it('serves the app and a chain, refuses hostile reads through its proxy, answers status --json, runs the wallet and identity CLI, and Ctrl-C stops every child', {
    timeout: 300_000,
  }, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'anonify-dev-'))
    dirs.push(dir)
    const deploymentPath = join(dir, 'deployment.json')
    // Its own process group, so the check below sees anvil and any helper process too.
    const nodeDir = join(dir, 'node')
    const child = spawn(
      process.execPath,
      [
        'cli/bin/anonify.js',
        'dev',
        '--port',
        '0',
        '--node-port',
        '0',
        '--deployment',
        deploymentPath,
        '--data',
        nodeDir,
      ],
      {
        cwd: REPO_ROOT,
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    )
    let output = ''
    const collect = (chunk: Buffer) => {
      output += chunk.toString()
    }
    child.stdout.on('data', collect)
    child.stderr.on('data', collect)
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))

    const url = await new Promise<string>((resolve, reject) => {
      const onData = () => {
        const match = /Web app:\s+(\S+)/.exec(output)
        if (match) resolve(match[1]!)
      }
      child.stdout.on('data', onData)
      void exited.then(() => reject(new Error(`anonify dev exited early:\n${output}`)))
    })

    const page = await fetch(url)
    expect(page.status).toBe(200)
    expect(await page.text()).toContain('<div id="root">')

    const deployment = JSON.parse(await readFile(deploymentPath, 'utf8')) as {
      rpcUrl: string
      chainId: number
      contracts: { ledger: `0x${string}` }
    }
    const published = (await (await fetch(new URL('/deployment.json', url))).json()) as { rpcUrl: string }
    expect(published.rpcUrl).toBe(deployment.rpcUrl)
    const chainId = await fetch(deployment.rpcUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_chainId', params: [] }),
    }).then(async (response) => ((await response.json()) as { result: string }).result)
    expect(Number(chainId)).toBe(deployment.chainId)

    // The review's attack, through the dev server's proxy: a page elsewhere posts a signed read to a low-order reply
    // key as text/plain. Refused before the enclave (403, 415, 400 for each disguise); the same record from the app's
    // own origin reaches the enclave (422), and the chain, the web app and the node answer afterwards.
    const body = readJson(
      await aStrangersRead(BigInt(deployment.chainId), deployment.contracts.ledger, `0x${'00'.repeat(32)}`),
    )
    const proxied = (path: string, type: string, headers: Record<string, string> = {}, payload: BodyInit = body) =>
      fetch(new URL(path, url), { method: 'POST', headers: { 'content-type': type, ...headers }, body: payload }).then(
        (r) => r.status,
      )
    const webOrigin = new URL(url).origin
    expect(
      await proxied('/v1/reads', 'text/plain', { origin: 'http://evil.example', 'sec-fetch-site': 'cross-site' }),
    ).toBe(403)
    expect(await proxied('/v1/reads', 'text/plain', { origin: webOrigin, 'sec-fetch-site': 'same-origin' })).toBe(415)
    expect(await proxied('/v1/reads', 'application/json', { origin: webOrigin, 'sec-fetch-site': 'same-origin' })).toBe(
      400,
    )
    expect(
      await proxied('/v1/commands', 'application/octet-stream', { origin: webOrigin }, new Uint8Array(312).fill(7)),
    ).toBe(422)
    expect((await fetch(url)).status).toBe(200)
    expect((await fetch(new URL('/v1/status', url))).status).toBe(200)

    // `anonify status --json` against the running stack, reading the member's sealed state: what dashboards read.
    const status = async () =>
      JSON.parse(
        (
          await promisify(execFile)(
            process.execPath,
            ['cli/bin/anonify.js', 'status', '--json', '--deployment', deploymentPath, '--data', nodeDir],
            { cwd: REPO_ROOT },
          )
        ).stdout,
      ) as { epoch: number; members: string[]; seq: number; holdsEpoch: boolean; signer: string }
    // The always-on member registers, keys epoch 1 and rotates its init key: three inputs at least.
    await expect.poll(async () => (await status()).holdsEpoch, { timeout: 60_000, interval: 500 }).toBe(true)
    const manifest = JSON.parse(await readFile(join(REPO_ROOT, 'enclave-wasm/build/manifest.json'), 'utf8')) as {
      measurement: string
    }
    const report = await status()
    expect(report).toMatchObject({
      chainId: deployment.chainId,
      contracts: { ledger: deployment.contracts.ledger },
      measurement: manifest.measurement,
      measurementMatchesDeployment: true,
      platform: 'simulation',
      hardwareProtection: false,
      epoch: 1,
      members: [report.signer],
      // A lone member: nothing to restore, and no newcomer waiting for another operator's word.
      restoring: false,
      awaitingCheckpoint: null,
    })
    expect(report.seq).toBeGreaterThanOrEqual(2)

    // The CLI wallet against the dev stack's node: the seed, as a person would type it.
    const nodeUrl = /Node API: (\S+)/.exec(output)![1]!
    const wallet = async (...args: string[]) =>
      (
        await promisify(execFile)(
          process.execPath,
          ['cli/bin/anonify.js', 'wallet', ...args, '--node', nodeUrl, '--deployment', deploymentPath],
          { cwd: REPO_ROOT },
        )
      ).stdout
    const key = (name: string) => keccak256(toHex(name))
    const address = (name: string) => privateKeyToAccount(key(name)).address
    await wallet('init', '--key', key('issuer'))
    await wallet('mint', '--key', key('issuer'), '--to', address('alice'), '--amount', '100')
    expect(await wallet('transfer', '--key', key('alice'), '--to', address('bob'), '--amount', '60')).toContain(
      'Balance: 40.',
    )
    expect(JSON.parse(await wallet('balance', '--key', key('bob'), '--json'))).toMatchObject({
      account: address('bob'),
      balance: '60',
      identity: { present: false, attributes: 0, jurisdiction: 0, expiresBlock: '0' },
    })
    const history = JSON.parse(await wallet('history', '--key', key('bob'), '--json')) as {
      history: { direction: string; amount: string; counterparty: string }[]
    }
    expect(history.history).toEqual([
      expect.objectContaining({ direction: 'received', amount: '60', counterparty: address('alice') }),
    ])
    // A refused command is reported to its sender with the reason, and the wallet exits non-zero.
    const overspend = await wallet('transfer', '--key', key('alice'), '--to', address('bob'), '--amount', '1000').catch(
      (e: { stdout: string }) => e.stdout,
    )
    expect(overspend).toContain('Refused at input')
    expect(overspend).toContain('insufficient balance')
    // The fast path: one signature starts a session; the transfers after it sign nothing and post 96-byte records.
    expect(await wallet('session-start', '--key', key('alice'))).toContain('Applied at input')
    expect(
      await wallet('transfer', '--session', '--key', key('alice'), '--to', address('bob'), '--amount', '5'),
    ).toContain('Balance: 35.')
    expect(
      await wallet('transfer', '--session', '--key', key('alice'), '--to', address('bob'), '--amount', '5'),
    ).toContain('Balance: 30.')
    expect(await wallet('session-end', '--key', key('alice'))).toContain('Applied at input')
    const ended = await wallet(
      'transfer',
      '--session',
      '--key',
      key('alice'),
      '--to',
      address('bob'),
      '--amount',
      '5',
    ).catch((e: { stderr: string }) => e.stderr)
    expect(ended).toContain('no live session')

    // The identity app: a wallet cannot grant itself the issuer role; governance (the deployer, anvil's first
    // account) grants it on the Ledger; the issuer attests Carol, and Carol's own key shows it.
    const identity = async (...args: string[]) =>
      (
        await promisify(execFile)(
          process.execPath,
          ['cli/bin/anonify.js', 'identity', ...args, '--node', nodeUrl, '--deployment', deploymentPath],
          { cwd: REPO_ROOT },
        )
      ).stdout
    const ANVIL_GOVERNOR_KEY = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80'
    const early = await identity('attest', address('carol'), '--kyc', '--expires', '900000', '--key', key('kyc')).catch(
      (e: { stdout: string }) => e.stdout,
    )
    expect(early).toContain('governance has not granted the KYC issuer role yet')
    expect(await identity('grant-issuer', address('kyc'), '--key', ANVIL_GOVERNOR_KEY)).toContain(
      `Granted the KYC issuer role to ${address('kyc')}`,
    )
    expect(
      await identity(
        'attest',
        address('carol'),
        '--kyc',
        '--jurisdiction',
        'JP',
        '--expires',
        '900000',
        '--key',
        key('kyc'),
      ),
    ).toContain('Applied at input')
    expect(JSON.parse(await identity('show', '--key', key('carol'), '--json'))).toMatchObject({
      account: address('carol'),
      state: 'attested',
      kyc: true,
      accredited: false,
      jurisdiction: 'JP',
      expiresBlock: '900000',
      issuer: address('kyc'),
    })

    process.kill(child.pid!, 'SIGINT')
    expect(await exited).toBe(0)
    expect(output).toContain('Stopped.')
    // Children may take a moment to be reaped after the parent exits; wait for it, bounded.
    await expect.poll(() => groupAlive(child.pid!), { timeout: 5_000 }).toBe(false)
    await expect(fetch(deployment.rpcUrl, { method: 'POST', body: '{}' })).rejects.toThrow()
  })
})
