/** The typed surface of core.wasm (assembly/index.ts), as the runtime sees it. */
export type CoreExports = {
  memory: WebAssembly.Memory
  coreAbiVersion: () => number
  inputPtr: () => number
  outputPtr: () => number
  apply: (length: number, block: bigint) => number
  query: (app: number, length: number) => number
  read: (length: number) => number
  snapshotExport: () => number
  snapshotPtr: () => number
  snapshotLength: () => number
  snapshotStage: (length: number) => number
  snapshotImport: () => number
  leavesExport: () => number
  leavesPtr: () => number
  leavesLength: () => number
}

const FUNCTIONS = [
  'coreAbiVersion',
  'inputPtr',
  'outputPtr',
  'apply',
  'query',
  'read',
  'snapshotExport',
  'snapshotPtr',
  'snapshotLength',
  'snapshotStage',
  'snapshotImport',
  'leavesExport',
  'leavesPtr',
  'leavesLength',
] as const

/** Checks an instance's exports against `CoreExports` instead of casting them. */
export function asCoreExports(exports: WebAssembly.Exports): CoreExports {
  if (!(exports.memory instanceof WebAssembly.Memory)) throw new Error('core.wasm does not export its memory')
  for (const name of FUNCTIONS)
    if (typeof exports[name] !== 'function') throw new Error(`core.wasm does not export ${name}`)
  return exports as unknown as CoreExports
}
