// The token app's op, query and failure codes (app id APP_TOKEN = 1); read by the core and by TypeScript.

/** Ops (the byte after the app id). */
export const TOKEN_INIT = 1
export const TOKEN_MINT = 2
export const TOKEN_TRANSFER = 3
export const TOKEN_APPROVE = 4
export const TOKEN_TRANSFER_FROM = 5
export const TOKEN_BURN = 6
/** requireAttributes(mask u8): recipients of mint and transfers must hold these identity attributes (0 = none). */
export const TOKEN_REQUIRE_ATTRIBUTES = 7

/** Queries (first input byte): account(address) -> balance u128; allowance(owner, spender) -> u128; token() ->
 * initialised u8 ‖ issuer (20) ‖ total supply u128 ‖ required attributes u8. */
export const TOKEN_QUERY_BALANCE = 1
export const TOKEN_QUERY_ALLOWANCE = 2
export const TOKEN_QUERY_TOKEN = 3

/** Failure codes: 0x01xx. */
export const FAIL_NOT_ISSUER = 0x0101
export const FAIL_ALREADY_INITIALIZED = 0x0102
export const FAIL_NOT_INITIALIZED = 0x0103
export const FAIL_INSUFFICIENT_BALANCE = 0x0104
export const FAIL_INSUFFICIENT_ALLOWANCE = 0x0105
export const FAIL_OVERFLOW = 0x0106
export const FAIL_ZERO_AMOUNT = 0x0107
export const FAIL_SELF_TRANSFER = 0x0108
export const FAIL_RECIPIENT_NOT_ELIGIBLE = 0x0109
export const FAIL_UNKNOWN_ATTRIBUTE = 0x010a
