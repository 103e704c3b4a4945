/** The TypeScript routing table: one line per app schema (assembly/apps/registry.ts is the core's). */
import { identitySchema } from './identity'
import { sessionSchema } from './session'
import { tokenSchema } from './token'

export const APP_SCHEMAS = [tokenSchema, sessionSchema, identitySchema] as const
