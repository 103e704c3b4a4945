/** Deploys Anonify's contracts to a chain, admits the built enclave, and returns the deployment record. */
import { createPublicClient, createWalletClient, http, type Account, type Address, type Hex } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { DEFAULT_EVM_VERSION, type EvmVersion } from '../../contracts/generated/evmVersions'
import { AnonifyError } from '../errors/base'
import { createLedgerClients } from '../chain/createLedgerClients'
import { findMissingOpcode } from '../chain/findMissingOpcode'
import { ChainUnreachableError, EvmVersionMismatchError } from '../errors/chain'
import { TEE_TYPE_SIM } from '../ledger/constants'
import { deployLedger } from '../ledger/deployLedger'
import { deploySimVerifier } from '../ledger/deploySimVerifier'
import { allowMeasurement, setVerifier } from '../ledger/governance'
import type { FinalityPolicy } from '../ledger/readFinalBlock'
import { chooseFinality } from './chooseFinality'
import type { Deployment } from './parseDeployment'

export type DeployStackParameters = {
  rpcUrl: string
  /** Enclave measurement the registry allows (from enclave-wasm/build/manifest.json). */
  measurement: Hex
  /** Deployer key; without it the node's first unlocked account deploys (anvil, hardhat). It becomes governor. */
  privateKey?: Hex | undefined
  /** The compilation to deploy (default: the oldest, which runs on every supported chain). */
  evmVersion?: EvmVersion | undefined
  /** Which blocks count as final; chosen from the chain (chooseFinality) when omitted. */
  finality?: FinalityPolicy | undefined
  /** Blocks after which anyone may settle a pending rekey (default: DEFAULT_REKEY_TIMEOUT_BLOCKS). */
  rekeyTimeoutBlocks?: bigint | undefined
}

/**
 * Deploys the SIM verifier and the Ledger, wires the verifier and allows `measurement`. Throws
 * `EvmVersionMismatchError` before sending anything if the chain does not run the `evmVersion` compilation.
 * @example
 * const deployment = await deployStack({ rpcUrl: anvil.rpcUrl, measurement: manifest.measurement })
 */
export async function deployStack(parameters: DeployStackParameters): Promise<Deployment> {
  const { rpcUrl, measurement, privateKey, evmVersion = DEFAULT_EVM_VERSION, rekeyTimeoutBlocks } = parameters
  // Poll receipts often: a local chain mines within a second, and viem's default is 4 s.
  const publicClient = createPublicClient({ transport: http(rpcUrl, { retryCount: 0 }), pollingInterval: 250 })
  let chainId: number
  try {
    chainId = await publicClient.getChainId()
  } catch (cause) {
    throw new ChainUnreachableError({ rpcUrl, cause })
  }
  // Bytecode with an opcode the chain lacks may deploy and then fail at its first call: refuse it before that.
  const opcode = await findMissingOpcode(publicClient, evmVersion)
  if (opcode) throw new EvmVersionMismatchError({ evmVersion, opcode, rpcUrl, deployed: false })
  const finality = parameters.finality ?? (await chooseFinality(publicClient, chainId))
  const account: Account | Address = privateKey ? privateKeyToAccount(privateKey) : await firstUnlockedAccount(rpcUrl)
  const clients = createLedgerClients({ rpcUrl, chainId, account })
  const { walletClient } = clients
  const verifier = await deploySimVerifier(clients, { evmVersion })
  const ledger = await deployLedger(clients, { governor: walletClient.account.address, evmVersion, rekeyTimeoutBlocks })
  await setVerifier(clients, { ledger: ledger.address, teeType: TEE_TYPE_SIM, verifier })
  await allowMeasurement(clients, { ledger: ledger.address, measurement })
  return {
    version: 1,
    chainId,
    rpcUrl,
    deployBlock: Number(ledger.blockNumber),
    evmVersion,
    finality,
    contracts: { ledger: ledger.address, verifier },
    enclave: { measurement },
    nodes: [],
  }
}

async function firstUnlockedAccount(rpcUrl: string): Promise<Address> {
  const [address] = await createWalletClient({ transport: http(rpcUrl, { retryCount: 0 }) }).getAddresses()
  if (!address)
    throw new AnonifyError(`The node at ${rpcUrl} has no unlocked account to deploy with.`, {
      metaMessages: ["Set ANONIFY_DEPLOYER_KEY to a funded account's private key (0x…)."],
    })
  return address
}
