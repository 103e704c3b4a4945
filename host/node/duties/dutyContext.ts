/** What every duty of a member node works with: its enclave, its operator's wallet, the deployment, its events. */
import type { EnclaveStatus } from '../../../enclave-wasm/protocol'
import type { Deployment } from '../../deployment/parseDeployment'
import type { EnclaveClient } from '../../enclave/createEnclaveClient'
import type { LedgerClients } from '../../ledger/confirmTransaction'
import type { MemberNodeEvent } from '../memberNodeEvent'

export type DutyContext = {
  enclave: EnclaveClient
  clients: LedgerClients
  deployment: Deployment
  onEvent: ((event: MemberNodeEvent) => void) | undefined
  /** Seals the enclave's state into the node's store. */
  save: () => Promise<void>
  /** Applies what the chain has that the enclave has not; the status afterwards. */
  follow: () => Promise<EnclaveStatus>
}

/** One duty's part of a pass: given the status so far, does its work if due and returns the status after it. */
export type Duty = (status: EnclaveStatus) => Promise<EnclaveStatus>
