/** Instantiates core.wasm inside the Worker with the only host function it may import. */
import { CORE_ABI_VERSION } from '../shared/constants'
import { asCoreExports, type CoreExports } from './coreExports'

/** AssemblyScript called `abort`: a broken invariant, so this instance must be discarded. */
export class CoreAbortError extends Error {
  override name = 'CoreAbortError' as const
}

/** Compiles and instantiates the core, then checks it speaks our ABI version. */
export async function startCore(bytes: Uint8Array): Promise<CoreExports> {
  const module = await WebAssembly.compile(bytes as Uint8Array<ArrayBuffer>)
  const instance = await WebAssembly.instantiate(module, {
    env: {
      abort: (_message: number, _file: number, line: number, column: number) => {
        throw new CoreAbortError(`core.wasm aborted at line ${line}:${column}`)
      },
    },
  })
  const core = asCoreExports(instance.exports)
  const version = core.coreAbiVersion()
  if (version !== CORE_ABI_VERSION)
    throw new Error(`core.wasm has ABI ${version}, the runtime expects ${CORE_ABI_VERSION}`)
  return core
}
