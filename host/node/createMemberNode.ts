/**
 * Keeps one enclave a live member of its group. Each pass runs the node's duties in order, each in its own module
 * under duties/: follow the Ledger's final inputs into the enclave, register it (again, under a new signer, after a
 * removal), re-attest it before its registration expires, post the rekeys, rekey answers and init-key updates it
 * signs, settle a pending rekey once its block timeout passed (for the members that are away), share the checkpoints
 * its enclave signs and restore from one when it joined late; the state is sealed
 * to the store as it goes. The same loop runs headless (`anonify node`, `anonify dev`) and in a browser tab.
 */
import type { EnclaveStatus } from '../../enclave-wasm/protocol'
import type { Deployment } from '../deployment/parseDeployment'
import type { EnclaveClient } from '../enclave/createEnclaveClient'
import { EnclaveCrashedError } from '../errors/enclave'
import { RegistrationFailedError } from '../errors/ledger'
import type { LedgerClients } from '../ledger/confirmTransaction'
import type { SealedStateStore } from '../storage/sealedStateStore'
import { createMemoryExchange, type CheckpointExchange } from '../checkpoint/checkpointExchange'
import type { Duty, DutyContext } from './duties/dutyContext'
import { createAnswerRekey } from './duties/answerRekey'
import { createFollow } from './duties/follow'
import { createProposeRekey } from './duties/proposeRekey'
import { createVouchByOperator } from './duties/vouchByOperator'
import { createReattest } from './duties/reattest'
import { createRegister, type RegisterRetry } from './duties/register'
import { createRestoreFromCheckpoint } from './duties/restoreFromCheckpoint'
import { createRotateInitKey } from './duties/rotateInitKey'
import { createShareCheckpoints } from './duties/shareCheckpoints'
import { createSettleRekey } from './duties/settleRekey'
import type { MemberNodeEvent } from './memberNodeEvent'

export type { MemberNodeEvent } from './memberNodeEvent'

export type CreateMemberNodeParameters = {
  enclave: EnclaveClient
  /** The operator's wallet pays for registration, rekeys and init-key updates. */
  clients: LedgerClients
  deployment: Deployment
  store: SealedStateStore
  /** How often to look for new blocks. */
  pollIntervalMs?: number | undefined
  /** How often a long catch-up seals its state on the way (after the ingest call that crosses it). */
  saveIntervalMs?: number | undefined
  /** Blocks a non-designated member waits before proposing a needed rekey itself. */
  rekeyFallbackBlocks?: number | undefined
  /** Registration attempts before a transient failure ends the node, and the first wait between them (it doubles). */
  registerRetry?: RegisterRetry | undefined
  onEvent?: ((event: MemberNodeEvent) => void) | undefined
  /**
   * Where this node leaves its enclave's checkpoint signatures and snapshots, and finds the checkpoint to restore
   * from when it joins late. Defaults to its own, in this process.
   */
  checkpoints?: CheckpointExchange | undefined
}

export type MemberNode = {
  /** Binds the enclave to the deployment, from the stored sealed state if there is one. */
  bind: () => Promise<void>
  /**
   * Binds if needed, then runs the loop until `stop`. Rejects if the enclave crashes, and with
   * `RegistrationFailedError` if registering cannot succeed (a revert, an opcode the chain lacks, the wrong chain…).
   */
  start: () => Promise<void>
  /** One pass: sync, register, rekey, rotate. Resolves to the enclave's status afterwards. */
  step: () => Promise<EnclaveStatus>
  /** Ends the loop after the current pass and seals the state one last time. */
  stop: () => Promise<void>
}

/**
 * @example
 * const node = createMemberNode({ enclave, clients, deployment, store: fileStore('data/enclave.sealed') })
 * void node.start()
 */
export function createMemberNode(parameters: CreateMemberNodeParameters): MemberNode {
  const {
    enclave,
    clients,
    deployment,
    store,
    pollIntervalMs = 500,
    saveIntervalMs = 2_000,
    rekeyFallbackBlocks = 5,
    registerRetry = { attempts: 5, delayMs: 1_000 },
    onEvent,
    checkpoints = createMemoryExchange(),
  } = parameters
  const save = async () => store.save((await enclave.seal()).blob)
  const follow = createFollow({ enclave, clients, deployment, onEvent, save }, saveIntervalMs)
  const context: DutyContext = { enclave, clients, deployment, onEvent, save, follow }
  // In this order: a rekey or a rotation acts on a membership the earlier duties brought up to date.
  const duties: Duty[] = [
    createRestoreFromCheckpoint(context, checkpoints),
    createShareCheckpoints(context, checkpoints),
    createRegister(context, registerRetry),
    createReattest(context),
    createVouchByOperator(context),
    createProposeRekey(context, rekeyFallbackBlocks),
    createAnswerRekey(context),
    createSettleRekey(context),
    createRotateInitKey(context),
  ]
  let running = false
  let bound = false
  let loop: Promise<void> | undefined
  let wake: (() => void) | undefined

  async function step(): Promise<EnclaveStatus> {
    let status = await follow()
    for (const duty of duties) status = await duty(status)
    return status
  }

  async function run(): Promise<void> {
    while (running) {
      try {
        await step()
      } catch (error) {
        if (error instanceof EnclaveCrashedError || error instanceof RegistrationFailedError) {
          running = false
          throw error
        }
        onEvent?.({ type: 'error', error })
      }
      if (!running) break
      await new Promise<void>((resolve) => {
        wake = resolve
        setTimeout(resolve, pollIntervalMs)
      })
    }
  }

  async function bind(): Promise<void> {
    if (bound) return
    await enclave.bind({
      chainId: BigInt(deployment.chainId),
      ledger: deployment.contracts.ledger,
      sealed: await store.load(),
    })
    bound = true
  }

  return {
    bind,
    step,
    async start() {
      await bind()
      running = true
      loop = run()
      await loop
    },
    async stop() {
      running = false
      wake?.()
      await loop?.catch(() => {})
      if (bound) await save()
    },
  }
}
