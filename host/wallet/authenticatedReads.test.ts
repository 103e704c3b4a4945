/**
 * Light wallets against nodes that lie (issue 14): a fake node's forged balance, an earlier reply replayed, a reply
 * from a member governance removed, and a reply from state the Ledger never held are each refused with a clear
 * message, by the shared wallet (the web app's; e2e/lying-node.spec.ts shows it in the page) and by the CLI; and a wallet whose first node stops mid-run keeps
 * reading and sending through the second. A real two-operator group on anvil; every node a real enclave's API.
 */
import { execFile } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { createTestClient, encodeAbiParameters, getAddress, http, keccak256, toHex, type Hex } from 'viem'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ledgerAbi } from '../../contracts/generated/ledger'
import { nextAccumulator } from '../../enclave-wasm/envelopes/inputAccumulator'
import { INPUT_KIND } from '../../enclave-wasm/protocol'
import { writeDeployment } from '../deployment/deploymentFile'
import { REPO_ROOT } from '../deployment/paths'
import { ReadReplyRefusedError } from '../errors/read'
import { removeEnclave } from '../ledger/governance'
import { createNodeServer, type NodeServer } from '../relayer/createNodeServer'
import { createRelayer } from '../relayer/createRelayer'
import { startTestChain, testWallet, type TestChain, type TestReplica } from '../node/testGroup'
import { fileStore } from '../storage/fileStore'
import { createConfidentialWallet } from './confidentialWallet'
import { forgeReadAnswer } from './forgedReadAnswer.fixture'
import { memberNodes } from './memberNodes'
import { blobSessionStore } from './sessionStore'

const issuer = testWallet('issuer')
const alice = testWallet('alice')
const bob = testWallet('bob')

let chain: TestChain
let replicas: TestReplica[]
let nodes: NodeServer[]
const liars: Server[] = []
let dir: string

/** Alice's wallet, reading and sending through `urls` in turn, as the CLI and the web app build it. */
function aliceWallet(urls: string[]) {
  const { readers, poster } = memberNodes(urls)
  return createConfidentialWallet({
    chainId: BigInt(chain.deployment.chainId),
    ledger: chain.ledger,
    account: alice.address,
    signTypedData: (typedData) => alice.signTypedData(typedData),
    publicClient: chain.poster.publicClient,
    fromBlock: BigInt(chain.deployment.deployBlock),
    finality: chain.deployment.finality,
    readers,
    poster,
    sessions: blobSessionStore(fileStore(join(dir, 'alice-session.json')), 'a test file'),
  })
}

/** A node API of its own: `answer` makes the reply to each parsed read body. */
async function aLyingNode(answer: (read: Record<string, string>) => Promise<unknown>): Promise<string> {
  const server = createServer((request, response) => {
    let body = ''
    request.on('data', (chunk: Buffer) => {
      body += chunk.toString()
    })
    request.on('end', () => {
      void answer(JSON.parse(body) as Record<string, string>).then((reply) => {
        response.writeHead(200, { 'content-type': 'application/json' })
        response.end(JSON.stringify(reply))
      })
    })
  })
  liars.push(server)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

/** The review's fake node: "balance 1,000,000, received 1,000,000 from Alice", sealed to the wallet's own reply key. */
const forger = (claimSigner?: Hex) =>
  aLyingNode(async ({ account, replyKey, requestNonce }) => {
    const seq = await chain.chainSeq()
    const acc = await chain.poster.publicClient.readContract({
      address: chain.ledger,
      abi: ledgerAbi,
      functionName: 'accumulatorAt',
      args: [seq],
    })
    return forgeReadAnswer({
      chainId: BigInt(chain.deployment.chainId),
      ledger: chain.ledger,
      read: { account: account as Hex, replyKey: replyKey as Hex, requestNonce: requestNonce as Hex },
      seq,
      acc,
      balance: 1_000_000n,
      from: alice.address,
      claimSigner,
    })
  })

const refusalOf = async (promise: Promise<unknown>) => {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(ReadReplyRefusedError)
  return error as ReadReplyRefusedError
}

const execFileAsync = promisify(execFile)
/** `anonify wallet balance` as Alice, reading through `node`: its exit code and what it printed. */
async function cliBalance(node: string): Promise<{ code: number; output: string }> {
  const deploymentPath = join(dir, 'deployment.json')
  await writeDeployment(deploymentPath, chain.deployment)
  const args = ['cli/bin/anonify.js', 'wallet', 'balance', '--node', node, '--deployment', deploymentPath]
  const env = { ...process.env, ANONIFY_WALLET_KEY: keccak256(toHex('alice')) }
  try {
    const { stdout, stderr } = await execFileAsync(process.execPath, args, { cwd: REPO_ROOT, env })
    return { code: 0, output: stdout + stderr }
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string }
    return { code: failed.code, output: failed.stdout + failed.stderr }
  }
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'anonify-reads-'))
  chain = await startTestChain()
  replicas = [await chain.startReplica(1), await chain.startReplica(2)]
  await chain.formGroup(replicas)
  await chain.post([
    await chain.seal(issuer, { op: 'init' }),
    await chain.seal(issuer, { op: 'mint', to: alice.address, amount: 100n }),
    await chain.seal(alice, { op: 'transfer', to: bob.address, amount: 60n }),
  ])
  await chain.syncAll(replicas)
  nodes = await Promise.all(
    replicas.map(async ({ enclave }, i) =>
      createNodeServer({
        enclave,
        relayer: await createRelayer({
          enclave,
          clients: chain.clients(i + 1),
          ledger: chain.ledger,
          finality: chain.deployment.finality,
        }),
      }),
    ),
  )
}, 180_000)

afterAll(async () => {
  await Promise.all(nodes?.map((node) => node.close()) ?? [])
  for (const liar of liars) liar.close()
  await chain?.stop()
  if (dir) await rm(dir, { recursive: true, force: true })
})

describe('authenticated reads', { timeout: 120_000 }, () => {
  it('reads 40 through a member node, naming the enclave that answered as the chain knows it', async () => {
    const reply = await aliceWallet([nodes[0]!.url]).read()
    expect(reply.apps.token.balance).toBe(40n)
    const signer = (await replicas[0]!.enclave.getStatus()).signer
    expect(reply.answeredBy).toMatchObject({
      node: nodes[0]!.url,
      signer,
      operator: chain.clients(1).walletClient.account.address,
      measurement: chain.deployment.enclave.measurement,
      seq: await chain.chainSeq(),
    })
    expect(reply.answeredBy.registeredBlock).toBeGreaterThan(BigInt(chain.deployment.deployBlock))
  })

  it("attack: a fake node's forged balance is refused, by the wallet and by the CLI", async () => {
    const fake = await forger()
    const refused = await refusalOf(aliceWallet([fake]).read())
    expect(refused.reason).toBe('notMember')
    expect(refused.shortMessage).toContain('never registered with this Ledger')
    const cli = await cliBalance(fake)
    expect(cli.code).not.toBe(0)
    expect(cli.output).toContain(`Refused the reply of ${fake}`)
    expect(cli.output).not.toContain('1,000,000')
    expect(cli.output).not.toContain('1000000')

    // The same forgery naming a real member as its signer: the signature is not that member's.
    const member = (await replicas[0]!.enclave.getStatus()).signer!
    const impostor = await refusalOf(aliceWallet([await forger(member)]).read())
    expect(impostor.reason).toBe('forged')
    expect(impostor.shortMessage).toContain(`not signed by enclave ${getAddress(member)} over this request`)
  })

  it('attack: an earlier reply replayed to a later request is refused', async () => {
    let recorded: unknown
    const real = nodes[0]!.url
    const replayer = await aLyingNode(async (read) => {
      recorded ??= await (
        await fetch(`${real}/v1/reads`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(read),
        })
      ).json()
      return recorded
    })
    const wallet = aliceWallet([replayer])
    expect((await wallet.read()).apps.token.balance).toBe(40n)
    const refused = await refusalOf(wallet.read())
    expect(refused.reason).toBe('forged')
    expect(refused.shortMessage).toContain(`Refused the reply of ${replayer}`)
    // The CLI's first read is a new key and nonce: the recorded answer is for neither.
    const cli = await cliBalance(replayer)
    expect(cli.code).not.toBe(0)
    expect(cli.output).toContain(`Refused the reply of ${replayer}`)
  })

  it('failover: a wallet whose first node stops mid-run reads and sends through the second', async () => {
    const loops = replicas.map((r) => r.node.start())
    const wallet = aliceWallet([nodes[0]!.url, nodes[1]!.url])
    expect((await wallet.read()).answeredBy.node).toBe(nodes[0]!.url)
    await wallet.waitForReceipt(await wallet.send({ op: 'transfer', to: bob.address, amount: 5n }))

    // The first member goes down whole: its API and its loop.
    await nodes[0]!.close()
    await replicas[0]!.node.stop()
    const after = await wallet.waitForReceipt(await wallet.send({ op: 'transfer', to: bob.address, amount: 5n }))
    expect(after.receipt.code).toBe(0)
    expect(after.apps.token.balance).toBe(30n)
    expect(after.answeredBy.node).toBe(nodes[1]!.url)

    await replicas[1]!.node.stop()
    await Promise.all(loops)
  })

  it('attack: a reply from state the Ledger never held (its host made up an input) is refused', async () => {
    // The host of member 2 folds an input of its own onto the chain's accumulator: its enclave cannot tell.
    const [replica, node] = [replicas[1]!, nodes[1]!]
    const seq = await chain.chainSeq()
    const status = await replica.enclave.getStatus()
    expect(status.seq).toBe(seq)
    const acc = await chain.poster.publicClient.readContract({
      address: chain.ledger,
      abi: ledgerAbi,
      functionName: 'accumulatorAt',
      args: [seq],
    })
    const payload = encodeAbiParameters([{ type: 'address' }], [chain.clients(0).walletClient.account.address])
    const bytes = Uint8Array.from(Buffer.from(payload.slice(2), 'hex'))
    await replica.enclave.ingest({
      inputs: [
        {
          seq: seq + 1n,
          kind: INPUT_KIND.rekeyRequested,
          payload: bytes,
          acc: nextAccumulator(acc, seq + 1n, INPUT_KIND.rekeyRequested, bytes),
        },
      ],
    })
    const refused = await refusalOf(aliceWallet([node.url]).read())
    expect(refused.reason).toBe('unknownSeq')
    expect(refused.shortMessage).toContain(`it claims input ${seq + 1n}, but the Ledger has ${seq} inputs`)
    const cli = await cliBalance(node.url)
    expect(cli.code).not.toBe(0)
    expect(cli.output).toContain(`Refused the reply of ${node.url}: it claims input ${seq + 1n}`)
  })

  it('attack: a member whose host stopped feeding it the chain answers from stale state: refused', async () => {
    // Member 1 stopped with the failover test and missed the transfer after it; the chain moves well past that.
    const [replica, node] = [replicas[0]!, await startedNodeOf(replicas[0]!)]
    const { seq: behind } = await replica.enclave.getStatus()
    expect(behind).toBeLessThan(await chain.chainSeq())
    await createTestClient({ mode: 'anvil', transport: http(chain.anvil.rpcUrl) }).mine({ blocks: 20 })
    const refused = await refusalOf(aliceWallet([node]).read())
    expect(refused.reason).toBe('stale')
    expect(refused.shortMessage).toContain(`it answers from input ${behind}, but the Ledger had made input`)
  })

  it('attack: a reply from a member governance removed is refused', async () => {
    const [replica, node] = [replicas[0]!, await startedNodeOf(replicas[0]!)]
    const signer = (await replica.enclave.getStatus()).signer!
    await removeEnclave(chain.clients(0), { ledger: chain.ledger, signer })
    // Its host keeps it from applying the removal: the enclave still signs with the removed key.
    const refused = await refusalOf(aliceWallet([node]).read())
    expect(refused.reason).toBe('notMember')
    expect(refused.shortMessage).toContain(`enclave ${signer} is no longer an active member`)
    const cli = await cliBalance(node)
    expect(cli.code).not.toBe(0)
    expect(cli.output).toContain(`Refused the reply of ${node}: enclave ${signer} is no longer an active member`)
  })
})

/** A fresh API for `replica` (the failover test stopped the first one). */
async function startedNodeOf({ enclave }: TestReplica): Promise<string> {
  const relayer = await createRelayer({
    enclave,
    clients: chain.clients(1),
    ledger: chain.ledger,
    finality: chain.deployment.finality,
  })
  const server = await createNodeServer({ enclave, relayer })
  nodes.push(server)
  return server.url
}
