/** Paths of files the CLI and dev server share, resolved from the repository root (not the caller's cwd). */
import { fileURLToPath } from 'node:url'
import { isAbsolute, join } from 'node:path'

/** Absolute path of the repository root (the folder that holds package.json). */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url))

/** Resolves `path` against the repository root unless it is already absolute. */
export function resolveRepoPath(path: string): string {
  return isAbsolute(path) ? path : join(REPO_ROOT, path)
}
