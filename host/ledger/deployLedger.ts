/** Deploys the Ledger (input stream, registry, epoch keys) and waits for it to be mined. */
import { getAddress, type Address } from 'viem'
import { DEFAULT_EVM_VERSION, type EvmVersion } from '../../contracts/generated/evmVersions'
import { ledgerAbi, ledgerBytecode } from '../../contracts/generated/ledger'
import { ContractDeploymentError } from '../errors/ledger'
import type { LedgerClients } from './confirmTransaction'

/**
 * EpochKeys.rekeyTimeoutBlocks when none is given: a pending rekey may be settled without a majority of acks 5
 * blocks after it was posted. Enough for online members to open their shares and complain on a local chain that
 * mines every second (`anonify dev`); a deployment whose members may be slow to answer picks a longer one.
 */
export const DEFAULT_REKEY_TIMEOUT_BLOCKS = 5n

export type DeployLedgerParameters = {
  /** Receives the registry's governance roles. */
  governor: Address
  /** Which compilation to deploy (default: the oldest): the chain must run this EVM version or a later one. */
  evmVersion?: EvmVersion | undefined
  /** Blocks after which anyone may settle a pending rekey (EpochKeys.rekeyTimeoutBlocks). */
  rekeyTimeoutBlocks?: bigint | undefined
}
export type DeployLedgerReturnType = { address: Address; blockNumber: bigint }
export type DeployLedgerErrorType = ContractDeploymentError

/**
 * Deploys a Ledger and returns its address and block.
 * @example
 * const { address } = await deployLedger(clients, { governor })
 */
export async function deployLedger(
  { walletClient, publicClient }: LedgerClients,
  {
    governor,
    evmVersion = DEFAULT_EVM_VERSION,
    rekeyTimeoutBlocks = DEFAULT_REKEY_TIMEOUT_BLOCKS,
  }: DeployLedgerParameters,
): Promise<DeployLedgerReturnType> {
  const hash = await walletClient.deployContract({
    abi: ledgerAbi,
    bytecode: ledgerBytecode[evmVersion],
    args: [governor, rekeyTimeoutBlocks],
    chain: walletClient.chain ?? null,
  })
  const receipt = await publicClient.waitForTransactionReceipt({ hash })
  if (receipt.status !== 'success' || !receipt.contractAddress)
    throw new ContractDeploymentError({ contract: 'Ledger', hash, evmVersion })
  return { address: getAddress(receipt.contractAddress), blockNumber: receipt.blockNumber }
}
