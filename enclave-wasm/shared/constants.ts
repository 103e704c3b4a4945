// Constants shared by the AssemblyScript core and the TypeScript runtime; both compilers read this file,
// so it holds untyped integer literals only (AssemblyScript infers i32, TypeScript number).

/** Version of the core.wasm export surface; the runtime refuses a core that reports another. */
export const CORE_ABI_VERSION = 1
