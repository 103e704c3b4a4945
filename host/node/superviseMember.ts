/**
 * Keeps a headless member running: when its enclave crashes (or its loop fails), the member is started again from
 * its data dir — the same simulated machine and sealed state, so the same signer resumes from the last sealed seq —
 * on the same HTTP port. Restarts back off and are bounded, so a member that cannot stay up stops for good instead
 * of looping; nothing else the caller runs (anvil, the web app) depends on it.
 */
import { MemberRestartLimitError } from '../errors/node'
import type { MemberNodeEvent } from './createMemberNode'
import { startHeadlessMember, type HeadlessMember, type StartHeadlessMemberParameters } from './startHeadlessMember'

/** What the supervisor did, for logs. */
export type SupervisionEvent =
  | { type: 'memberCrashed'; error: unknown; restartInMs: number }
  | { type: 'memberRestarted'; restarts: number }
  | { type: 'memberGaveUp'; error: MemberRestartLimitError }

export type SuperviseMemberParameters = Omit<StartHeadlessMemberParameters, 'onEvent'> & {
  onEvent?: ((event: MemberNodeEvent | SupervisionEvent) => void) | undefined
  /** Restarts allowed within `restartWindowMs`; one more crash and the member stays stopped. */
  maxRestarts?: number | undefined
  restartWindowMs?: number | undefined
  /** Wait before the first restart in a window; doubled for each further one. */
  restartDelayMs?: number | undefined
}

export type SupervisedMember = {
  /** Base URL of the node's HTTP API (the same across restarts), when it serves one. */
  url: string | undefined
  /** The running member; undefined while it restarts or after it gave up. */
  current: () => HeadlessMember | undefined
  /**
   * Resolves after `stop`; rejects with `MemberRestartLimitError` if the member gave up (also reported to `onEvent`,
   * so a caller that never awaits it meets no unhandled rejection).
   */
  done: Promise<void>
  /** Stops the member (sealing its state) and any pending restart. */
  stop: () => Promise<void>
}

/**
 * Starts the member once (its failure is thrown, as from startHeadlessMember), then restarts it after each crash.
 * @example
 * const member = await superviseMember({ deployment, rpcUrl, dataDir, account, httpPort: 8547, onEvent: console.log })
 * process.once('SIGINT', () => void member.stop())
 */
export async function superviseMember(parameters: SuperviseMemberParameters): Promise<SupervisedMember> {
  const { maxRestarts = 5, restartWindowMs = 60_000, restartDelayMs = 500, onEvent, ...member } = parameters
  let current: HeadlessMember | undefined
  let stopped = false
  let timer: ReturnType<typeof setTimeout> | undefined
  let restarting: Promise<void> = Promise.resolve()
  // Set by the first start: later instances listen there too, so a proxy or wallet pointed at it keeps working.
  let port: number | undefined
  const restartTimes: number[] = []
  let settle!: { resolve: () => void; reject: (error: MemberRestartLimitError) => void }
  const done = new Promise<void>((resolve, reject) => (settle = { resolve, reject }))
  done.catch(() => {})

  async function launch(httpPort: number | undefined): Promise<HeadlessMember> {
    const started = await startHeadlessMember({ ...member, httpPort, onEvent })
    if (stopped) {
      await started.stop()
      return started
    }
    current = started
    started.done.catch((error: unknown) => void crashed(started, error))
    return started
  }

  async function crashed(member: HeadlessMember, error: unknown): Promise<void> {
    if (stopped || current !== member) return
    current = undefined
    // Its enclave is gone, so its last seal fails: the blob on disk (sealed after every sync) is what restarts.
    await member.stop().catch(() => {})
    scheduleRestart(error)
  }

  function scheduleRestart(error: unknown): void {
    if (stopped) return
    const now = Date.now()
    while (restartTimes.length > 0 && now - restartTimes[0]! >= restartWindowMs) restartTimes.shift()
    if (restartTimes.length >= maxRestarts) {
      stopped = true
      const gaveUp = new MemberRestartLimitError({
        restarts: restartTimes.length,
        windowMs: restartWindowMs,
        cause: error,
      })
      onEvent?.({ type: 'memberGaveUp', error: gaveUp })
      settle.reject(gaveUp)
      return
    }
    const restartInMs = restartDelayMs * 2 ** restartTimes.length
    restartTimes.push(now)
    onEvent?.({ type: 'memberCrashed', error, restartInMs })
    timer = setTimeout(() => {
      timer = undefined
      restarting = launch(port).then(
        () => onEvent?.({ type: 'memberRestarted', restarts: restartTimes.length }),
        (failure: unknown) => scheduleRestart(failure),
      )
    }, restartInMs)
  }

  const first = await launch(member.httpPort)
  port = first.url === undefined ? undefined : Number(new URL(first.url).port)
  return {
    url: first.url,
    current: () => current,
    done,
    async stop() {
      stopped = true
      clearTimeout(timer)
      await restarting
      await current?.stop()
      current = undefined
      settle.resolve()
    },
  }
}
