/** The typed surface of core.wasm (assembly/index.ts), as the runtime sees it. */
export type CoreExports = {
  memory: WebAssembly.Memory
  coreAbiVersion: () => number
}

/** Checks an instance's exports against `CoreExports` instead of casting them. */
export function asCoreExports(exports: WebAssembly.Exports): CoreExports {
  const { memory, coreAbiVersion } = exports
  if (!(memory instanceof WebAssembly.Memory)) throw new Error('core.wasm does not export its memory')
  if (typeof coreAbiVersion !== 'function') throw new Error('core.wasm does not export coreAbiVersion')
  return { memory, coreAbiVersion: coreAbiVersion as () => number }
}
