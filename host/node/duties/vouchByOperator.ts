/**
 * Vouching for a replacement node: a new member waits for another operator's checkpoint before it gets a share
 * (enclave-wasm/runtime/group/vouching.ts); when its operator is another one that already had members, the signed
 * transaction that registered it is that operator's word, and serves even when no other member is online. The enclave
 * checks it; one it refuses (its own operator, an operator new to the group, a contract wallet's registration) waits
 * for the checkpoint instead, so each member is tried once.
 */
import { serializeTransaction, type Address } from 'viem'
import { ledgerAbi } from '../../../contracts/generated/ledger'
import { EnclaveRequestError } from '../../errors/enclave'
import type { Duty, DutyContext } from './dutyContext'

export function createVouchByOperator({ enclave, clients, deployment, follow, onEvent }: DutyContext): Duty {
  const tried = new Set<Address>()
  return async (status) => {
    const waiting = status.awaitingCheckpoint
    if (!waiting || tried.has(waiting.signer)) return status
    tried.add(waiting.signer)
    const { publicClient } = clients
    const [registered] = await publicClient.getContractEvents({
      address: deployment.contracts.ledger,
      abi: ledgerAbi,
      eventName: 'EnclaveRegistered',
      args: { signer: waiting.signer },
      fromBlock: BigInt(deployment.deployBlock),
    })
    if (!registered) return status
    const tx = await publicClient.getTransaction({ hash: registered.transactionHash })
    const { r, s, v, yParity } = tx
    // An RPC names the calldata `input`; the serializer wants it as `data`.
    const transaction = serializeTransaction({ ...tx, data: tx.input }, { r, s, v, yParity })
    try {
      await enclave.vouch({ signer: waiting.signer, transaction })
    } catch (error) {
      if (!(error instanceof EnclaveRequestError)) throw error
      onEvent?.({
        type: 'awaitingCheckpoint',
        signer: waiting.signer,
        addedAt: waiting.addedAt,
        reason: error.shortMessage,
      })
      return status
    }
    return follow()
  }
}
