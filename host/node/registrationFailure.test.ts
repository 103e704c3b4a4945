/**
 * "A node that cannot register says why and stops retrying blindly", on hardhat's network at the Shanghai fork: a
 * deterministic failure ends the member with one error naming the cause and the remedy; only transient ones are
 * retried, with backoff, a bounded number of times, each retry reported once.
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import {
  createPublicClient,
  createWalletClient,
  http,
  keccak256,
  toHex,
  type Account,
  type Address,
  type Hex,
} from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { EvmVersion } from '../../contracts/generated/evmVersions'
import { ENCLAVE_BUILD_DIR } from '../../enclave-wasm/platform/launchNodeEnclave'
import { readEnclaveManifest } from '../../enclave-wasm/platform/manifest'
import { createSimMachine } from '../../enclave-wasm/platform/sim/createSimPlatform'
import { createLedgerClients } from '../chain/createLedgerClients'
import { startHardhat, type Hardhat } from '../chain/startHardhat'
import { deployStack } from '../deployment/deployStack'
import type { Deployment } from '../deployment/parseDeployment'
import { startNodeEnclave } from '../enclave/startNodeEnclave'
import { EvmVersionMismatchError, WrongChainError } from '../errors/chain'
import { RegistrationFailedError } from '../errors/ledger'
import { TEE_TYPE_SIM } from '../ledger/constants'
import { deployLedger } from '../ledger/deployLedger'
import { deploySimVerifier } from '../ledger/deploySimVerifier'
import { allowMeasurement, setVerifier } from '../ledger/governance'
import { memoryStore } from '../storage/sealedStateStore'
import { createMemberNode, type CreateMemberNodeParameters, type MemberNodeEvent } from './createMemberNode'

/** hardhat's (and anvil's) account #9, unlocked on the node. */
const OPERATOR: Address = '0xa0Ee7A142d267C1f36714E4a8F75612F20a79720'

let hardhat: Hardhat
let measurement: Hex
let deployer: Address
let shanghaiDeployment: Deployment
const closers: (() => Promise<void>)[] = []

beforeAll(async () => {
  hardhat = await startHardhat({ hardfork: 'shanghai' })
  measurement = (await readEnclaveManifest(ENCLAVE_BUILD_DIR)).measurement
  deployer = (await createWalletClient({ transport: http(hardhat.rpcUrl) }).getAddresses())[0]!
  shanghaiDeployment = await deployStack({ rpcUrl: hardhat.rpcUrl, measurement })
}, 60_000)
afterAll(async () => {
  for (const close of closers.splice(0).reverse()) await close()
  await hardhat?.stop()
})

/** The stack as an earlier build deployed it: any compilation, with no check that the chain runs it. */
async function deployUnchecked(evmVersion: EvmVersion): Promise<Deployment> {
  const clients = createLedgerClients({ rpcUrl: hardhat.rpcUrl, chainId: 31337, account: deployer })
  const verifier = await deploySimVerifier(clients, { evmVersion })
  const ledger = await deployLedger(clients, { governor: deployer, evmVersion })
  await setVerifier(clients, { ledger: ledger.address, teeType: TEE_TYPE_SIM, verifier })
  await allowMeasurement(clients, { ledger: ledger.address, measurement })
  const deployBlock = Number(ledger.blockNumber)
  return {
    version: 1,
    chainId: 31337,
    rpcUrl: hardhat.rpcUrl,
    deployBlock,
    evmVersion,
    finality: { confirmations: 0 },
    contracts: { ledger: ledger.address, verifier },
    enclave: { measurement },
    nodes: [],
  }
}

type RunMemberOptions = {
  account?: Account | Address
  rpcUrl?: string
  registerRetry?: CreateMemberNodeParameters['registerRetry']
  onEvent?: (event: MemberNodeEvent) => void
}

/** Starts a member of `deployment`; `ended` resolves to the error its loop ended with. */
async function startMember(
  deployment: Deployment,
  { account = OPERATOR, rpcUrl = hardhat.rpcUrl, registerRetry, onEvent }: RunMemberOptions = {},
) {
  const { client: enclave } = await startNodeEnclave({ machine: await createSimMachine() })
  closers.push(() => enclave.close())
  const events: MemberNodeEvent[] = []
  const clients = createLedgerClients({ rpcUrl, chainId: deployment.chainId, account, pollingIntervalMs: 50 })
  const node = createMemberNode({
    enclave,
    clients,
    deployment,
    store: memoryStore(),
    pollIntervalMs: 20,
    registerRetry,
    onEvent: (event) => {
      events.push(event)
      onEvent?.(event)
    },
  })
  closers.push(() => node.stop())
  const ended = node.start().then(
    () => undefined,
    (e: unknown) => e,
  )
  return { ended, events }
}

/** Runs a member until its loop ends on its own: what it ended with and what it reported on the way. */
async function runMember(deployment: Deployment, options: RunMemberOptions = {}) {
  const { ended, events } = await startMember(deployment, options)
  return { error: await ended, events }
}

/** A JSON-RPC proxy to hardhat that drops the connection of every `eth_call` while `failing` is set. */
async function flakyProxy() {
  const state = { failing: true, dropped: 0 }
  const server = createServer(async (request, response) => {
    let body = ''
    for await (const chunk of request) body += chunk
    if (state.failing && body.includes('"eth_call"')) {
      state.dropped++
      request.socket.destroy()
      return
    }
    const answer = await fetch(hardhat.rpcUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    })
    response.writeHead(answer.status, { 'content-type': 'application/json' }).end(await answer.text())
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  closers.push(() => new Promise((resolve) => server.close(() => resolve())))
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, state }
}

const types = (events: MemberNodeEvent[]) => events.map((e) => e.type).filter((t) => t !== 'syncing' && t !== 'synced')

describe('a member that cannot register', { timeout: 60_000 }, () => {
  it('error: cancun bytecode on a shanghai chain ends the node at once, naming the EVM version to redeploy with', async () => {
    const { error, events } = await runMember(await deployUnchecked('cancun'))
    expect(error).toBeInstanceOf(RegistrationFailedError)
    expect((error as RegistrationFailedError).walk((e) => e instanceof EvmVersionMismatchError)).toBeInstanceOf(
      EvmVersionMismatchError,
    )
    expect((error as Error).message).toContain('compiled for cancun cannot run on the chain')
    expect((error as Error).message).toContain('MCOPY is an invalid opcode')
    expect((error as Error).message).toContain(`anonify deploy --rpc ${hardhat.rpcUrl} --evm-version shanghai`)
    // One attempt, no loop: nothing was logged before the node ended.
    expect(types(events)).toEqual([])
  })

  it('error: an unfunded operator ends the node with the chain\'s reason, not viem\'s "Missing or invalid parameters"', async () => {
    const { error, events } = await runMember(shanghaiDeployment, {
      account: privateKeyToAccount(keccak256(toHex('unfunded'))),
    })
    expect(error).toBeInstanceOf(RegistrationFailedError)
    expect((error as Error).message).toContain("Sender doesn't have enough funds")
    expect(types(events)).toEqual([])
  })

  it('error: an RPC of another chain ends the node before the enclave attests', async () => {
    const { error } = await runMember({ ...shanghaiDeployment, chainId: 1 })
    expect((error as RegistrationFailedError).walk((e) => e instanceof WrongChainError)).toBeInstanceOf(WrongChainError)
    expect((error as Error).message).toContain('serves chain 31337, but the deployment is on chain 1')
  })

  it('behavior: a dropped connection is retried after a doubling wait, reported once per retry, then registers', async () => {
    const proxy = await flakyProxy()
    const retries: number[] = []
    let onRegistered = () => {}
    const registered = new Promise<void>((resolve) => (onRegistered = resolve))
    const { events } = await startMember(shanghaiDeployment, {
      rpcUrl: proxy.url,
      registerRetry: { attempts: 5, delayMs: 20 },
      onEvent: (event) => {
        if (event.type === 'retrying') retries.push(event.delayMs)
        // The chain comes back after two failed attempts.
        if (event.type === 'retrying' && event.attempt === 2) proxy.state.failing = false
        if (event.type === 'registered') onRegistered()
      },
    })
    await registered
    expect(retries).toEqual([20, 40])
    expect(types(events)).toEqual(['retrying', 'retrying', 'registered'])
  })

  it('error: a chain that stays unreachable ends the node after the bounded attempts', async () => {
    const proxy = await flakyProxy()
    const { error, events } = await runMember(shanghaiDeployment, {
      rpcUrl: proxy.url,
      registerRetry: { attempts: 3, delayMs: 10 },
    })
    expect(error).toBeInstanceOf(RegistrationFailedError)
    expect((error as Error).message).toContain('it failed 3 times in a row')
    expect(events.filter((e) => e.type === 'retrying').map((e) => e.type === 'retrying' && e.attempt)).toEqual([1, 2])
  })

  it('error: anonify deploy refuses cancun bytecode on a shanghai chain before sending anything', async () => {
    const head = () => createPublicClient({ transport: http(hardhat.rpcUrl) }).getBlockNumber({ cacheTime: 0 })
    const before = await head()
    await expect(deployStack({ rpcUrl: hardhat.rpcUrl, measurement, evmVersion: 'cancun' })).rejects.toThrow(
      EvmVersionMismatchError,
    )
    expect(await head()).toBe(before)
  })
})
