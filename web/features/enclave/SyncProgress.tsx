/** The replica's catch-up after joining or reopening: a progress bar while behind, then what it caught up. */
import type { CatchUp } from '../../replica/replicaStore'

export function SyncProgress({
  catchUp,
  resumedFromSeq,
}: {
  catchUp: CatchUp | undefined
  resumedFromSeq: bigint | undefined
}) {
  if (!catchUp) return null
  const total = catchUp.targetSeq - catchUp.fromSeq
  const done = catchUp.seq - catchUp.fromSeq
  const resumed = resumedFromSeq !== undefined && (
    <p data-testid="enclave-resumed">
      Resumed from this browser's sealed state at input {resumedFromSeq.toString()}: only newer inputs are applied.
    </p>
  )
  if (catchUp.endedAt === undefined)
    return (
      <div className="sync" data-testid="sync-progress">
        {resumed}
        <label htmlFor="sync-bar">
          Catching up: input {catchUp.seq.toString()} of {catchUp.targetSeq.toString()},{' '}
          {(catchUp.targetSeq - catchUp.seq).toString()} remaining
        </label>
        <progress id="sync-bar" max={Number(total > 0n ? total : 1n)} value={Number(done)} />
      </div>
    )
  const seconds = (catchUp.endedAt - catchUp.startedAt) / 1000
  return (
    <div className="sync">
      {resumed}
      <p className="muted" data-testid="sync-done">
        {total > 0n
          ? `Caught up ${total.toString()} input${total === 1n ? '' : 's'} in ${seconds.toFixed(1)} s; following the chain.`
          : 'Level with the chain; following it.'}
      </p>
    </div>
  )
}
