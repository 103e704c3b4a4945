/**
 * Registration: a non-member registers (again, under a new signer, after a removal), retrying transient failures
 * after a doubling wait; a failure that cannot succeed ends the node.
 */
import { WrongChainError } from '../../errors/chain'
import { formatError } from '../../errors/formatError'
import { RegistrationFailedError } from '../../errors/ledger'
import { registerEnclave } from '../../ledger/registerEnclave'
import { classifyRegistrationFailure } from '../classifyRegistrationFailure'
import { attestNow } from './attestNow'
import type { Duty, DutyContext } from './dutyContext'

export type RegisterRetry = { attempts: number; delayMs: number }

export function createRegister(context: DutyContext, { attempts, delayMs: firstDelayMs }: RegisterRetry): Duty {
  const { enclave, clients, deployment, onEvent, save } = context
  const rpcUrl = clients.publicClient.chain?.rpcUrls.default.http[0] ?? deployment.rpcUrl
  let registering = false
  let failures = 0
  let notBefore = 0

  async function attempt(): Promise<void> {
    // A wrong endpoint would have the enclave attest for a chain whose registry it can never join.
    const chainId = await clients.publicClient.getChainId()
    if (chainId !== deployment.chainId)
      throw new WrongChainError({ rpcUrl, chainId, expectedChainId: deployment.chainId })
    const attested = await attestNow(enclave, clients)
    // Sealed before the transaction: a crash after it lands must not lose the keys the chain now lists.
    await save()
    await registerEnclave(clients, { ledger: deployment.contracts.ledger, ...attested })
    registering = true
    onEvent?.({ type: 'registered', signer: attested.signer })
  }

  /** One attempt; a transient failure schedules the next after a doubling wait, a deterministic one throws. */
  async function register(): Promise<void> {
    try {
      await attempt()
    } catch (error) {
      const failure = await classifyRegistrationFailure(error, {
        publicClient: clients.publicClient,
        deployment,
        rpcUrl,
      })
      if (failure.kind === 'fatal') throw failure.error
      if (failure.kind === 'race') {
        registering = true
        onEvent?.({ type: 'raceLost', action: 'register', errorName: failure.errorName })
        return
      }
      failures++
      if (failures >= attempts)
        throw new RegistrationFailedError({
          reason: `it failed ${attempts} times in a row: ${formatError(error)}`,
          remedies: [`Check that the chain's RPC endpoint ${rpcUrl} is up and reachable from this machine.`],
          cause: error,
        })
      const delayMs = firstDelayMs * 2 ** (failures - 1)
      notBefore = performance.now() + delayMs
      onEvent?.({ type: 'retrying', action: 'register', attempt: failures, attempts, delayMs, error })
    }
  }

  return async (status) => {
    // Also after a removal: the enclave dropped that identity, so this registers a new signer, which the group then
    // rekeys in. Its application state for the inputs it could not open meanwhile is not restored (until checkpoints).
    if (!status.member && !registering && performance.now() >= notBefore) await register()
    if (status.member) registering = false
    return status
  }
}
