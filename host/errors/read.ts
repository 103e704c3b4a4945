/** A read reply the wallet refused: not an enclave's answer to this request, or not the Ledger's state. */
import type { Address } from 'viem'
import { AnonifyError } from './base'

export type ReadRefusal =
  /** Not signed by the enclave it names, or not over this request and ciphertext. */
  | 'forged'
  /** It does not open to this request's reply key and nonce, or its plaintext is not what an enclave writes. */
  | 'notForThisRequest'
  /** Signed by an enclave that is not an active registered member (never registered, removed or expired). */
  | 'notMember'
  /** It claims an input the Ledger does not have. */
  | 'unknownSeq'
  /** Its accumulator at its input differs from the Ledger's. */
  | 'wrongState'
  /** It answers from an input long behind what the Ledger made final. */
  | 'stale'

/** The reply was refused; nothing in it was shown. Another node may answer correctly. */
export class ReadReplyRefusedError extends AnonifyError {
  override name = 'ReadReplyRefusedError' as const
  readonly reason: ReadRefusal
  readonly node: string
  /** The enclave the reply named, if it named one. */
  readonly signer: Address | undefined
  constructor({
    reason,
    node,
    detail,
    signer,
  }: { reason: ReadRefusal; node: string; detail: string; signer?: Address | undefined }) {
    super(`Refused the reply of ${node}: ${detail}`, {
      metaMessages: ['Nothing in it was shown. Try again, or read through another member node (CLI: --node).'],
    })
    this.signer = signer
    this.reason = reason
    this.node = node
  }
}
