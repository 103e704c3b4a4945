/**
 * Light wallets on the bench stack: how many authenticated reads one member node answers per second (each reply's
 * enclave signature and request binding checked by its wallet), how many full wallet reads per second (also checked
 * against the chain: membership, measurement, seq and accumulator in one multicall), and the gas a light user pays to
 * get going, counted from the transactions its address sent while it read, sent a transfer and saw it applied.
 */
import type { Address, PublicClient } from 'viem'
import type { PrivateKeyAccount } from 'viem/accounts'
import { createAccountReader } from '../envelopes/readAccount'
import { createNodeClient } from '../relayer/createNodeClient'
import { createNodeServer } from '../relayer/createNodeServer'
import { createRelayer } from '../relayer/createRelayer'
import { memoryStore } from '../storage/sealedStateStore'
import { createConfidentialWallet } from '../wallet/confidentialWallet'
import { blobSessionStore } from '../wallet/sessionStore'
import type { BenchStack } from './benchStack'

/** Wallets reading at once, each with its own read key, as many users would. */
const READERS = 16
const READ_SECONDS = 3

export type LightReadMeasures = {
  reads: { perSecond: number; verifiedPerSecond: number }
  lightUserOnboarding: number
}

export async function measureLightReads(
  stack: BenchStack,
  onProgress?: (line: string) => void,
): Promise<LightReadMeasures> {
  const { deployment, enclaves, nodes, relayer: relayerClients, payers, payee } = stack
  const chainId = BigInt(deployment.chainId)
  const ledger = deployment.contracts.ledger
  const enclave = enclaves[0]!
  const relayer = await createRelayer({ enclave, clients: relayerClients, ledger, finality: deployment.finality })
  const server = await createNodeServer({ enclave, relayer, ratePerSecond: 1_000_000 })
  const node = createNodeClient(server.url)
  const loops = nodes.map((member) => member.start())
  try {
    const walletOf = (payer: PrivateKeyAccount) =>
      createConfidentialWallet({
        chainId,
        ledger,
        account: payer.address,
        signTypedData: (typedData) => payer.signTypedData(typedData),
        publicClient: relayerClients.publicClient,
        fromBlock: BigInt(deployment.deployBlock),
        finality: deployment.finality,
        readers: [{ name: server.url, reader: node }],
        poster: node,
        sessions: blobSessionStore({ ...memoryStore(), remove: async () => {} }, 'memory'),
      })
    const readers = payers
      .slice(0, READERS)
      .map((payer) =>
        createAccountReader({ chainId, ledger, account: payer.address, signTypedData: (t) => payer.signTypedData(t) }),
      )
    onProgress?.(`bench: light reads: ${READERS} wallets reading through one node for ${READ_SECONDS} s…`)
    const perSecond = await ratePerSecond(readers.map((reader) => () => reader.read(node, server.url)))
    const wallets = payers.slice(0, READERS).map(walletOf)
    const verifiedPerSecond = await ratePerSecond(wallets.map((wallet) => () => wallet.read()))

    onProgress?.('bench: light user onboarding: read, send, see it applied, with no transaction of its own…')
    const user = payers[READERS]!
    // Funded, so a transaction of its own would go through and be counted, not fail the measurement.
    await relayerClients.publicClient.waitForTransactionReceipt({
      hash: await relayerClients.walletClient.sendTransaction({ to: user.address, value: 10n ** 18n }),
    })
    const from = await relayerClients.publicClient.getBlockNumber()
    const wallet = walletOf(user)
    await wallet.read()
    await wallet.waitForReceipt(await wallet.send({ op: 'transfer', to: payee.address, amount: 1n }), {
      timeoutMs: 60_000,
    })
    const to = await relayerClients.publicClient.getBlockNumber()
    return {
      reads: { perSecond, verifiedPerSecond },
      lightUserOnboarding: await gasSentBy(relayerClients.publicClient, user.address, from, to),
    }
  } finally {
    await Promise.all(nodes.map((member) => member.stop()))
    await Promise.all(loops)
    await server.close()
    await relayer.stop()
  }
}

/** Completed calls per second with every `call` looping for READ_SECONDS. */
async function ratePerSecond(calls: (() => Promise<unknown>)[]): Promise<number> {
  await Promise.all(calls.map((call) => call()))
  let done = 0
  const started = performance.now()
  const until = started + READ_SECONDS * 1000
  await Promise.all(
    calls.map(async (call) => {
      while (performance.now() < until) {
        await call()
        done++
      }
    }),
  )
  return Math.round((done / (performance.now() - started)) * 1000)
}

/** The gas of every transaction `account` sent in blocks `from`..`to`. */
async function gasSentBy(publicClient: PublicClient, account: Address, from: bigint, to: bigint): Promise<number> {
  let gas = 0n
  for (let number = from; number <= to; number++) {
    const block = await publicClient.getBlock({ blockNumber: number, includeTransactions: true })
    for (const tx of block.transactions)
      if (tx.from.toLowerCase() === account.toLowerCase())
        gas += (await publicClient.getTransactionReceipt({ hash: tx.hash })).gasUsed
  }
  return Number(gas)
}
