/** Deploys Anonify's contracts to a chain and returns the deployment record that points at them. */
import { createPublicClient, createWalletClient, http, type Account, type Address, type Hex } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { AnonifyError } from '../errors/base'
import { ChainUnreachableError } from '../errors/chain'
import { deployLedger } from '../ledger/deployLedger'
import type { Deployment } from './parseDeployment'

export type DeployStackParameters = {
  rpcUrl: string
  /** Enclave measurement the deployment accepts (from enclave-wasm/build/manifest.json). */
  measurement: Hex
  /** Deployer key; without it the node's first unlocked account deploys (anvil, ganache). */
  privateKey?: Hex | undefined
}

/**
 * Deploys the Ledger and returns the deployment record (not yet written to disk).
 * @example
 * const deployment = await deployStack({ rpcUrl: anvil.rpcUrl, measurement: manifest.measurement })
 */
export async function deployStack(parameters: DeployStackParameters): Promise<Deployment> {
  const { rpcUrl, measurement, privateKey } = parameters
  // Poll receipts often: a local chain mines within a second, and viem's default is 4 s.
  const publicClient = createPublicClient({ transport: http(rpcUrl, { retryCount: 0 }), pollingInterval: 250 })
  let chainId: number
  try {
    chainId = await publicClient.getChainId()
  } catch (cause) {
    throw new ChainUnreachableError({ rpcUrl, cause })
  }
  const account: Account | Address = privateKey ? privateKeyToAccount(privateKey) : await firstUnlockedAccount(rpcUrl)
  const walletClient = createWalletClient({ account, transport: http(rpcUrl, { retryCount: 0 }) })
  const ledger = await deployLedger(walletClient, publicClient)
  return {
    version: 1,
    chainId,
    rpcUrl,
    deployBlock: Number(ledger.blockNumber),
    contracts: { ledger: ledger.address },
    enclave: { measurement },
  }
}

async function firstUnlockedAccount(rpcUrl: string): Promise<Address> {
  const [address] = await createWalletClient({ transport: http(rpcUrl, { retryCount: 0 }) }).getAddresses()
  if (!address)
    throw new AnonifyError(`The node at ${rpcUrl} has no unlocked account to deploy with.`, {
      metaMessages: ['Set ANONIFY_DEPLOYER_KEY to a funded account\'s private key (0x…).'],
    })
  return address
}
