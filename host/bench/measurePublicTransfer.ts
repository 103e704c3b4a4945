/**
 * The public baseline: gas of an OpenZeppelin ERC20 transfer, on the bench's own chain, so the confidential path's
 * cost is compared with what a transparent token costs under the same fork and gas schedule.
 */
import type { Address } from 'viem'
import type { EvmVersion } from '../../contracts/generated/evmVersions'
import { publicErc20Abi, publicErc20Bytecode } from '../../contracts/generated/publicErc20'
import { ContractDeploymentError } from '../errors/ledger'
import { confirmTransaction, type LedgerClients } from '../ledger/confirmTransaction'

export type PublicTransferGas = {
  /** To an account that already holds the token: the common case, and the one the ratios use. */
  erc20Transfer: number
  /** To an account that held none (a zero balance slot is written). */
  erc20TransferToNewHolder: number
}

/**
 * Deploys a public ERC20 (compiled for `evmVersion`, the deployment's) from `clients` and measures two transfers to
 * `recipient`: its first and a later one.
 */
export async function measurePublicTransfer(
  { walletClient, publicClient }: LedgerClients,
  recipient: Address,
  evmVersion: EvmVersion,
): Promise<PublicTransferGas> {
  const chain = walletClient.chain ?? null
  const deployHash = await walletClient.deployContract({
    abi: publicErc20Abi,
    bytecode: publicErc20Bytecode[evmVersion],
    args: [10n ** 24n],
    chain,
  })
  const deployed = await publicClient.waitForTransactionReceipt({ hash: deployHash })
  if (deployed.status !== 'success' || !deployed.contractAddress)
    throw new ContractDeploymentError({ contract: 'PublicErc20', hash: deployHash, evmVersion })
  const transferGas = async () => {
    const hash = await walletClient.writeContract({
      address: deployed.contractAddress!,
      abi: publicErc20Abi,
      functionName: 'transfer',
      args: [recipient, 60n],
      chain,
    })
    return Number((await confirmTransaction(publicClient, hash, 'PublicErc20.transfer')).gasUsed)
  }
  const erc20TransferToNewHolder = await transferGas()
  return { erc20TransferToNewHolder, erc20Transfer: await transferGas() }
}
