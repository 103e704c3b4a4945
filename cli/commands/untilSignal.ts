/** Waits for Ctrl-C (SIGINT), SIGTERM or SIGHUP, or for `done` to settle, whichever comes first. */
export function untilSignal(done?: Promise<unknown>): Promise<void> {
  return new Promise((resolve, reject) => {
    const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const
    const onSignal = (signal: NodeJS.Signals) => {
      console.log(`\n${signal}: stopping…`)
      finish()
    }
    const finish = () => {
      for (const signal of signals) process.off(signal, onSignal)
      resolve()
    }
    for (const signal of signals) process.once(signal, onSignal)
    done?.then(finish, (error: unknown) => {
      for (const signal of signals) process.off(signal, onSignal)
      reject(error)
    })
  })
}
