// Session grant ops (app id APP_SESSION = 2): start (session key 32 ‖ expiresBlock u64) replaces any earlier session;
// end has no arguments. The core consumes the nonce; the runtime keeps the session.
export const SESSION_START = 1
export const SESSION_END = 2
