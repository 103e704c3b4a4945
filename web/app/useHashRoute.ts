/** The page shown, from the URL hash (#/wallet, #/identity, #/explorer, #/network), so a reload or a link keeps the page. */
import { useSyncExternalStore } from 'react'

export const PAGES = ['wallet', 'identity', 'explorer', 'network'] as const
export type Page = (typeof PAGES)[number]

const current = (): Page => {
  const name = window.location.hash.replace(/^#\/?/, '')
  return (PAGES as readonly string[]).includes(name) ? (name as Page) : 'wallet'
}

export function useHashRoute(): Page {
  return useSyncExternalStore((listener) => {
    window.addEventListener('hashchange', listener)
    return () => window.removeEventListener('hashchange', listener)
  }, current)
}
