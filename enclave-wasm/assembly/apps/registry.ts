// The routing table: one line per app. Commands, queries and snapshot sections reach an app only through its id.
import { App } from '../app'
import { IdentityApp } from './identity'
import { SessionApp } from './session'
import { TokenApp } from './token'

/** Every app, in increasing id order (the snapshot's section order). */
export const APPS: App[] = [new TokenApp(), new SessionApp(), new IdentityApp()]

/** The app with `id`, or null. */
export function appOf(id: u8): App | null {
  for (let i = 0; i < APPS.length; i++) if (APPS[i].id == id) return APPS[i]
  return null
}
