/**
 * Posting without a relayer: the user's own wallet sends the record to the Ledger. The record is still ciphertext,
 * but the user's address is then the transaction's sender, on chain for everyone: the relayer exists to avoid that.
 */
import type { Address } from 'viem'
import { SESSION_RECORD_BYTES } from '../../enclave-wasm/protocol'
import { confirmTransaction, type LedgerClients } from '../ledger/confirmTransaction'
import { submitBatch } from '../ledger/submitBatch'
import { submitSessionBatch } from '../ledger/submitSessionBatch'
import type { CommandPoster } from './confidentialWallet'

export type CreateDirectPosterParameters = {
  clients: LedgerClients
  ledger: Address
  /** The user's own enclave's one-bit check at the head block, so a record no enclave would apply costs no gas. */
  precheck: (record: Uint8Array, blockNumber: bigint) => Promise<boolean>
}

/**
 * @example
 * const poster = createDirectPoster({ clients, ledger, precheck: async (record, blockNumber) => (await enclave.precheck({ record: toHex(record), blockNumber })).accepted })
 */
export function createDirectPoster({ clients, ledger, precheck }: CreateDirectPosterParameters): CommandPoster {
  return {
    async postCommand(record) {
      // Judged at the first block the transaction could land in.
      const blockNumber = (await clients.publicClient.getBlockNumber({ cacheTime: 0 })) + 1n
      if (!(await precheck(record, blockNumber))) return false
      const session = record.byteLength === SESSION_RECORD_BYTES
      const hash = session
        ? await submitSessionBatch(clients.walletClient, { ledger, records: [record] })
        : await submitBatch(clients.walletClient, { ledger, records: [record] })
      await confirmTransaction(clients.publicClient, hash, session ? 'submitSessions' : 'submit')
      return true
    },
  }
}
