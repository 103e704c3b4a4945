/** How this browser posts its sealed commands: through a relayer (default, the user's address stays off chain) or directly. */
import { useSyncExternalStore } from 'react'

export type PostingRoute = 'relayer' | 'direct'

const KEY = 'anonify.postingRoute'
const listeners = new Set<() => void>()

/** The route chosen now; read at posting time, so a wallet created earlier follows the latest choice. */
export const currentPostingRoute = (): PostingRoute => (localStorage.getItem(KEY) === 'direct' ? 'direct' : 'relayer')

function write(route: PostingRoute) {
  localStorage.setItem(KEY, route)
  for (const listener of listeners) listener()
}

export function usePostingRoute(): [PostingRoute, (route: PostingRoute) => void] {
  const route = useSyncExternalStore((listener) => {
    listeners.add(listener)
    return () => listeners.delete(listener)
  }, currentPostingRoute)
  return [route, write]
}
