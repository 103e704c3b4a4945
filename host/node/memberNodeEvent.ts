/** Something the node did or met, for logs and progress displays. */
export type MemberNodeEvent =
  /** Part of a catch-up applied: `seq` reached, `target` the last input read from the chain. */
  | { type: 'syncing'; seq: bigint; target: bigint }
  | { type: 'synced'; seq: bigint; applied: number }
  | { type: 'registered'; signer: string }
  /** Renewed its registration until `expiresAt` (seconds, block time). */
  | { type: 'reattested'; signer: string; expiresAt: bigint }
  /** Proposed `epoch`; it is pending until the members' answers settle it. */
  | { type: 'rekeyed'; epoch: bigint }
  /** Answered the pending rekey: `ack` if the enclave's share opened and matched, else a complaint. */
  | { type: 'rekeyAnswered'; epoch: bigint; ack: boolean }
  /** Settled the pending rekey to `epoch` on its block timeout. */
  | { type: 'rekeySettled'; epoch: bigint }
  | { type: 'initKeyRotated'; epoch: bigint }
  | { type: 'raceLost'; action: string; errorName: string }
  /** Registration failed transiently; attempt `attempt + 1` of `attempts` follows in `delayMs`. */
  | { type: 'retrying'; action: 'register'; attempt: number; attempts: number; delayMs: number; error: unknown }
  /** The enclave signed the checkpoint at `seq` and its snapshot went to the exchange. */
  | { type: 'checkpointSigned'; seq: bigint; stateRoot: string }
  | { type: 'checkpointAccepted'; seq: bigint; signers: number }
  /** Another member signed a different checkpoint at `seq`: reported to the Ledger, which pauses intake. */
  | { type: 'divergence'; seq: bigint }
  /** The member added at input `addedAt` gets no share until another operator's checkpoint covers it: `reason`. */
  | { type: 'awaitingCheckpoint'; signer: string; addedAt: bigint; reason: string }
  /** Restoring from the checkpoint at input `seq`: the enclave shows no state until it is `restored`. */
  | { type: 'restoring'; seq: bigint; stage: string }
  | { type: 'restored'; seq: bigint }
  | { type: 'error'; error: unknown }
