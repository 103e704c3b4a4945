import type { EnclaveClient } from '../../enclave/createEnclaveClient'
import type { LedgerClients } from '../../ledger/confirmTransaction'

/** Fresh evidence from the enclave, anchored one block back: a call simulated at the head has block.number = head. */
export async function attestNow(enclave: EnclaveClient, clients: LedgerClients) {
  const head = await clients.publicClient.getBlockNumber()
  const anchorBlock = await clients.publicClient.getBlock({ blockNumber: head > 0n ? head - 1n : 0n })
  const attested = await enclave.attest({
    operator: clients.walletClient.account.address,
    anchorHash: anchorBlock.hash,
  })
  return { ...attested, anchorBlock: anchorBlock.number }
}
