/** Deploys the Ledger contract and waits for it to be mined. */
import { getAddress, type Account, type Address, type Chain, type PublicClient, type Transport, type WalletClient } from 'viem'
import { ledgerAbi, ledgerBytecode } from '../../contracts/generated/ledger'
import { ContractDeploymentError } from '../errors/ledger'

export type DeployLedgerReturnType = { address: Address; blockNumber: bigint }
export type DeployLedgerErrorType = ContractDeploymentError

/**
 * Deploys a Ledger from `walletClient`'s account and returns its address and block.
 * @example
 * const { address } = await deployLedger(walletClient, publicClient)
 */
export async function deployLedger(
  walletClient: WalletClient<Transport, Chain | undefined, Account>,
  publicClient: PublicClient,
): Promise<DeployLedgerReturnType> {
  const hash = await walletClient.deployContract({ abi: ledgerAbi, bytecode: ledgerBytecode, chain: walletClient.chain ?? null })
  const receipt = await publicClient.waitForTransactionReceipt({ hash })
  if (receipt.status !== 'success' || !receipt.contractAddress) throw new ContractDeploymentError({ contract: 'Ledger', hash })
  return { address: getAddress(receipt.contractAddress), blockNumber: receipt.blockNumber }
}
