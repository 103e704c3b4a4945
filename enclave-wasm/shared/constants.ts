// Constants shared by the AssemblyScript core and the TypeScript runtime; both compilers read this file,
// so it holds untyped integer literals only (AssemblyScript infers i32, TypeScript number).

/** Version of the core.wasm export surface; the runtime refuses a core that reports another. */
export const CORE_ABI_VERSION = 2

/** Bytes of the core's input buffer: the largest command or query it accepts. */
export const CORE_INPUT_BYTES = 4096

/** Bytes of the core's output buffer. */
export const CORE_OUTPUT_BYTES = 4096

/** Apps a command can address. */
export const APP_TOKEN = 1
/** Session grants: the core only checks and consumes the nonce; the runtime keeps the session. */
export const APP_SESSION = 2

/** Token operations (first byte after the app id). */
export const TOKEN_INIT = 1
export const TOKEN_MINT = 2
export const TOKEN_TRANSFER = 3
export const TOKEN_APPROVE = 4
export const TOKEN_TRANSFER_FROM = 5
export const TOKEN_BURN = 6

/** Session operations: start (session key 32 ‖ expiresBlock u64) replaces any earlier session; end has no arguments. */
export const SESSION_START = 1
export const SESSION_END = 2

/** Result codes of `apply`: 0 is success; every failure is deterministic and leaves the state as it was. */
export const OK = 0
export const FAIL_MALFORMED = 1
export const FAIL_UNKNOWN_APP = 2
export const FAIL_UNKNOWN_OP = 3
export const FAIL_WRONG_NONCE = 4
export const FAIL_NOT_ISSUER = 5
export const FAIL_ALREADY_INITIALIZED = 6
export const FAIL_NOT_INITIALIZED = 7
export const FAIL_INSUFFICIENT_BALANCE = 8
export const FAIL_INSUFFICIENT_ALLOWANCE = 9
export const FAIL_OVERFLOW = 10
export const FAIL_ZERO_AMOUNT = 11
export const FAIL_SELF_TRANSFER = 12

/** Outcomes the enclave decides before the core sees a command (reported to the sender like core codes). */
export const FAIL_EXPIRED = 100
