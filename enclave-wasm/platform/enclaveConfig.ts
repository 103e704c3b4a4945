/** The configuration measured with the code: changing what the core may import changes the measurement. */
import { PROTOCOL_VERSION } from '../protocol'

/** The only imports a core.wasm may have. `env.abort` is AssemblyScript's trap for broken invariants. */
export const CORE_IMPORT_ALLOWLIST: readonly string[] = ['env.abort']

/** Canonical bytes of the configuration (sorted keys, no whitespace). */
export function enclaveConfigBytes(): Uint8Array {
  const config = {
    coreImports: [...CORE_IMPORT_ALLOWLIST].sort(),
    platform: 'simulation',
    protocolVersion: PROTOCOL_VERSION,
  }
  return new TextEncoder().encode(JSON.stringify(config))
}
