/**
 * This tab's replica: the member loop that follows the chain into the tab's enclave Worker, and what a person needs
 * to see of it — whether it joined or resumed, and how far a catch-up has come. One per page, like the enclave.
 */
import type { PublicClient } from 'viem'
import type { Deployment } from '../../host/deployment/parseDeployment'
import { AnonifyError } from '../../host/errors/base'
import type { BrowserEnclave } from '../../host/enclave/startBrowserEnclave'
import type { LedgerClients } from '../../host/ledger/confirmTransaction'
import { readGroup } from '../../host/ledger/readGroup'
import { nodeExchange } from '../../host/checkpoint/nodeExchange'
import { createNodeClient } from '../../host/relayer/createNodeClient'
import { createMemberNode, type MemberNode, type MemberNodeEvent } from '../../host/node/createMemberNode'
import type { SealedStateStore } from '../../host/storage/sealedStateStore'

export type CatchUp = {
  /** The input the replica had applied when the catch-up began (from its sealed state, or 0). */
  fromSeq: bigint
  /** The last input on the chain when it began, raised as the sync reads further. */
  targetSeq: bigint
  seq: bigint
  startedAt: number
  /** Set once the replica is level with what it read: the catch-up is over. */
  endedAt: number | undefined
}

export type ReplicaState = {
  joined: boolean
  /** The replica unsealed earlier state from this browser, at this input. */
  resumedFromSeq: bigint | undefined
  /** The first sync after joining or resuming. */
  catchUp: CatchUp | undefined
  /** Joined late: restoring from the checkpoint at `seq`, at `stage`, until `restored`. */
  restoring: { seq: bigint; stage: string } | undefined
  /** The last input the replica's loop reported applied: the page refetches the account when it moves. */
  appliedSeq: bigint | undefined
  error: unknown
}

export type CreateReplicaStoreParameters = {
  deployment: Deployment
  enclave: Promise<BrowserEnclave>
  sealedStore: SealedStateStore
}

/**
 * @example
 * const replica = createReplicaStore({ deployment, enclave, sealedStore })
 * await replica.join(clients)
 */
export function createReplicaStore({ deployment, enclave, sealedStore }: CreateReplicaStoreParameters) {
  let state: ReplicaState = {
    joined: false,
    resumedFromSeq: undefined,
    catchUp: undefined,
    restoring: undefined,
    appliedSeq: undefined,
    error: undefined,
  }
  const listeners = new Set<() => void>()
  const update = (next: Partial<ReplicaState>) => {
    state = { ...state, ...next }
    for (const listener of listeners) listener()
  }
  let member: MemberNode | undefined

  /** Moves the catch-up to `seq` (and a further `target`); it ends when `seq` reaches the target, or on `synced`. */
  const advance = (seq: bigint, target: bigint, synced: boolean) => {
    const catchUp = state.catchUp
    if (!catchUp || catchUp.endedAt !== undefined) return
    const targetSeq = target > catchUp.targetSeq ? target : catchUp.targetSeq
    update({
      catchUp: { ...catchUp, seq, targetSeq, endedAt: synced || seq >= targetSeq ? performance.now() : undefined },
    })
  }

  const onEvent = (event: MemberNodeEvent) => {
    if (event.type === 'syncing') advance(event.seq, event.target, false)
    else if (event.type === 'synced') {
      advance(event.seq, event.seq, true)
      if (event.seq !== state.appliedSeq) update({ appliedSeq: event.seq })
    } else if (event.type === 'restoring') update({ restoring: { seq: event.seq, stage: event.stage } })
    else if (event.type === 'restored') update({ restoring: undefined })
    else if (event.type === 'error') update({ error: event.error })
  }

  return {
    getState: () => state,
    subscribe(listener: () => void) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    /** Whether this browser holds sealed state for the deployment (then joining resumes, with no registration). */
    hasSealedState: async () => (await sealedStore.load()) !== undefined,
    /** Joins (or resumes) with the connected wallet as operator; the loop runs while the page lives. */
    async join(clients: LedgerClients): Promise<void> {
      if (member) return
      // Two tabs of one browser share its machine and sealed state: only one may run the replica.
      if (!(await holdTabLock(`anonify-replica:${deployment.chainId}:${deployment.contracts.ledger.toLowerCase()}`)))
        throw new ReplicaInOtherTabError()
      const resumed = await sealedStore.load()
      const { client } = await enclave
      // Checkpoints go to (and come from) the node this page is served with, through its own origin's /v1/.
      const checkpoints = nodeExchange(createNodeClient(new URL('/', window.location.href).href))
      const node = createMemberNode({ enclave: client, clients, deployment, store: sealedStore, onEvent, checkpoints })
      await node.bind()
      member = node
      const { seq } = await client.getStatus()
      const { seq: targetSeq } = await readGroup(clients.publicClient as PublicClient, {
        ledger: deployment.contracts.ledger,
      })
      const now = performance.now()
      // Already level with the chain: nothing to catch up, and no bar to show.
      update({
        joined: true,
        resumedFromSeq: resumed ? seq : undefined,
        catchUp: { fromSeq: seq, targetSeq, seq, startedAt: now, endedAt: seq >= targetSeq ? now : undefined },
      })
      void node.start().catch((error: unknown) => update({ error }))
    },
  }
}

export type ReplicaStore = ReturnType<typeof createReplicaStore>

export class ReplicaInOtherTabError extends AnonifyError {
  override name = 'ReplicaInOtherTabError' as const
  constructor() {
    super("Another tab of this browser already runs this browser's replica.", {
      metaMessages: ['Use that tab, or close it and reload this one.'],
    })
  }
}

/** Takes the named Web Lock for the page's life; false if another tab holds it. */
function holdTabLock(name: string): Promise<boolean> {
  if (typeof navigator === 'undefined' || !navigator.locks) return Promise.resolve(true)
  return new Promise((resolve) => {
    void navigator.locks.request(name, { ifAvailable: true }, (lock) => {
      resolve(lock !== null)
      // Held until the page goes away.
      return lock ? new Promise<never>(() => {}) : undefined
    })
  })
}
