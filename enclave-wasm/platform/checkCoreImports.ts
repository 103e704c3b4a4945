/** Refuses a core module that imports anything beyond the allow-list (no `Math.random` seed, no `Date`). */
import { CORE_IMPORT_ALLOWLIST } from './enclaveConfig'

/** The core module imports something the enclave must never reach. */
export class ForbiddenCoreImportError extends Error {
  override name = 'ForbiddenCoreImportError' as const
  constructor(readonly imports: string[]) {
    super(
      `core.wasm imports ${imports.join(', ')}, which the enclave does not allow (allowed: ${CORE_IMPORT_ALLOWLIST.join(', ')}). ` +
        'Remove nondeterministic host calls (Math.random, Date, trace) from enclave-wasm/assembly.',
    )
  }
}

/** Throws `ForbiddenCoreImportError` listing every import outside `CORE_IMPORT_ALLOWLIST`. */
export function checkCoreImports(module: WebAssembly.Module): void {
  const forbidden = WebAssembly.Module.imports(module)
    .map(({ module: from, name }) => `${from}.${name}`)
    .filter((name) => !CORE_IMPORT_ALLOWLIST.includes(name))
  if (forbidden.length > 0) throw new ForbiddenCoreImportError(forbidden)
}
