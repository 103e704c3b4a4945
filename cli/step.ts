/** One long step of a command, shown as `label… result (seconds)` so a person sees progress. */

/** Runs `task`, printing `label…` and its duration on `out` (stdout unless a command keeps stdout for JSON). */
export async function step<T>(
  label: string,
  task: () => Promise<T>,
  summarize?: (result: T) => string,
  out: NodeJS.WritableStream = process.stdout,
): Promise<T> {
  const started = performance.now()
  out.write(`${label}… `)
  try {
    const result = await task()
    const seconds = ((performance.now() - started) / 1000).toFixed(1)
    out.write(`${summarize ? summarize(result) : 'done'} (${seconds} s)\n`)
    return result
  } catch (error) {
    out.write('failed\n')
    throw error
  }
}
