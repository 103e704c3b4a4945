/** Where shared files live, resolved from the repository root (not the caller's cwd). Imports only node: modules. */
import { isAbsolute, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** Absolute path of the repository root (the folder that holds package.json). */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url))

/** Default deployment file, written by `anonify dev` and read by the CLI and the dev server. */
export const DEFAULT_DEPLOYMENT_PATH = '.anonify/deployment.json'

/** Resolves `path` against the repository root unless it is already absolute. */
export function resolveRepoPath(path: string): string {
  return isAbsolute(path) ? path : join(REPO_ROOT, path)
}
