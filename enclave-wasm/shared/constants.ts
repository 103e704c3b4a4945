// Constants shared by the AssemblyScript core and the TypeScript runtime; both compilers read this file,
// so it holds untyped integer literals only (AssemblyScript infers i32, TypeScript number). Each app's own op and
// failure codes live beside it in shared/apps/<app>.ts.

/** Version of the core.wasm export surface; the runtime refuses a core that reports another. */
export const CORE_ABI_VERSION = 5

/** Bytes of the core's input buffer: the largest command or query it accepts. */
export const CORE_INPUT_BYTES = 4096

/** Bytes of the core's output buffer: query answers, or the effects of the last command. */
export const CORE_OUTPUT_BYTES = 4096

/**
 * App ids, one byte in every command (caller ‖ nonce ‖ app u8 ‖ op u8 ‖ arguments). A failure code is u16 with the
 * app id in its high byte, so 255 apps with 255 codes each; id 0 is the core itself (framing, nonces).
 */
export const APP_CORE = 0
export const APP_TOKEN = 1
/** Session grants: the core only checks and consumes the nonce; the runtime keeps the session. */
export const APP_SESSION = 2
export const APP_IDENTITY = 3

/**
 * The caller of commands the enclave itself makes from governance inputs of the Ledger (GOVERNOR_ROLE only), as a
 * 40-character lowercase hex key: the first 20 bytes of keccak256("anonify/v1 governance"). No key is known for it,
 * so no wallet can sign as it; apps accept governance ops from this caller alone.
 */
export const GOVERNANCE_CALLER_KEY = '66c1262f744e038a9b638885112031fc34dec7ea'

/** Result codes of `apply` in the core's namespace (0x00xx): 0 is success; failures leave app state as it was. */
export const OK = 0
export const FAIL_MALFORMED = 0x0001
export const FAIL_UNKNOWN_APP = 0x0002
export const FAIL_UNKNOWN_OP = 0x0003
export const FAIL_WRONG_NONCE = 0x0004
/** Decided by the enclave before the core sees a command (reported to the sender like core codes). */
export const FAIL_EXPIRED = 0x0064

/** Core queries (`query(APP_CORE, …)`): nonce(address 20) -> next nonce u64. */
export const CORE_QUERY_NONCE = 1

/**
 * Effects: after `apply` the output buffer holds count u8 ‖ count × EFFECT_BYTES records, each
 * kind u8 ‖ owner (20) ‖ app u8 ‖ op u8 ‖ counterparty (20) ‖ amount u128 ‖ reserved (1). The runtime stores them
 * for their owners without reading commands. Kinds 3 (audit record) and 4 (withdrawal leaf) are reserved.
 */
export const EFFECT_BYTES = 60
export const EFFECT_SENT = 1
export const EFFECT_RECEIVED = 2

/**
 * Read reply v2 (`read`): version u8 ‖ core section (nonce u64 ‖ seq u64 ‖ receipt: present u8 ‖ nonce u64 ‖
 * code u16 ‖ seq u64) ‖ for each app in registry order: app id u8 ‖ its fixed-size section ‖ history count u8 ‖
 * count × READ_ENTRY_BYTES (seq u64 ‖ direction u8 ‖ app u8 ‖ op u8 ‖ code u16 ‖ counterparty (20) ‖ amount u128 ‖
 * nonce u64) ‖ zeros up to READ_REPLY_BYTES. One length for every account, so the sealed reply does not tell which
 * apps an account uses or how long its history is.
 */
export const READ_REPLY_VERSION = 2
export const READ_REPLY_BYTES = 2048
export const READ_HISTORY_ENTRIES = 32
export const READ_ENTRY_BYTES = 57
