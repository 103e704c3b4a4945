/**
 * The enclave boundary: every message between the host and the enclave Worker, with its validator.
 * This is the only file of enclave-wasm/ that code outside it may import (plus the platform loader entries).
 * Types, constants and parsers only: it imports nothing from runtime/, assembly/ or platform/.
 */
import { isValidX25519PublicKey } from './envelopes/x25519Key'
import type { Checkpoint } from './envelopes/checkpointTypes'

/** Bumped on any change to the messages below; checked at boot so a stale host cannot talk to a new enclave. */
export const PROTOCOL_VERSION = 4

/** Size of a sealed command record (envelopes/commandEnvelope.ts); repeated here so this file imports nothing. */
export const COMMAND_RECORD_BYTES = 312

/** Size of a session command record (envelopes/sessionEnvelope.ts): tag 16 ‖ ChaCha20-Poly1305 of 64 bytes ‖ tag 16. */
export const SESSION_RECORD_BYTES = 96

/** Measurements are SHA-256 digests. */
export const MEASUREMENT_BYTES = 32

/** Largest core.wasm the loader hands to an enclave (bytes); guards the Worker against a hostile boot message. */
export const MAX_CORE_BYTES = 16 * 1024 * 1024

export type Hex = `0x${string}`

export type Address = `0x${string}`

/** What an enclave may tell its host about its group: public facts only, never a key or a secret. */
export type GroupView = {
  /** The enclave's secp256k1 address, once it has an identity. */
  signer: Address | undefined
  /** It is in the member list the chain has shown it so far. */
  member: boolean
  /** Governance or expiry removed it and it dropped that identity; it registers again under a new one. */
  removed: boolean
  /** The last Ledger input it applied. */
  seq: bigint
  /**
   * Transition root after `seq`, keyed under the epoch secret: equal on every replica that applied the same inputs
   * with the same keys. Undefined while the enclave is restoring (it holds no state it can vouch for).
   */
  root: Hex | undefined
  /**
   * It joined late or lost its state: it shows no balance and applies no command until it restores from the snapshot
   * of a checkpoint at `seq` (it waits there once it holds the epoch that admitted it).
   */
  restoring: boolean
  /** The latest checkpoint this enclave made or restored from. */
  checkpoint: { seq: bigint; stateRoot: Hex } | undefined
  /** The latest checkpoint the Ledger accepted, as its input reached this enclave. */
  acceptedCheckpoint: { seq: bigint; stateRoot: Hex; signers: number } | undefined
  /** Its own state root at an accepted checkpoint's position differed from the accepted one. */
  divergedAt: bigint | undefined
  /** The Ledger paused command intake over a divergence at this position; governance resumes it. */
  pausedAt: bigint | undefined
  /** The settled epoch: what wallets encrypt to and members apply commands under. */
  epoch: bigint
  cmdPubKey: Hex | undefined
  members: Address[]
  /** The members that hold the settled epoch: the Ledger counts a checkpoint's majority over them. */
  epochHolders: Address[]
  /**
   * A new member that gets no share (so no rekey is built) until a checkpoint covering its registration is signed by
   * another operator's member (group/vouching.ts); the registration is a checkpoint position, so that one comes.
   */
  awaitingCheckpoint: { signer: Address; addedAt: bigint } | undefined
  /** The epoch a posted rekey proposes while it is neither settled nor voided. */
  pendingEpoch: bigint | undefined
  /** It is a member that has yet to answer the pending rekey (`answerRekey`). */
  rekeyAnswerDue: boolean
  /** It holds the current epoch secret. */
  holdsEpoch: boolean
  /** The member list differs from the one the current epoch was keyed for, and no rekey is pending (one at a time). */
  rekeyNeeded: boolean
  /** It should propose the next rekey (others wait, then fall back). */
  designatedProposer: boolean
  initKeyRotationDue: boolean
  /** Why the last rekey addressed to it was refused, if it was. */
  lastRekeyRefusal: string | undefined
}

/** What an enclave says about itself. `measurement` was computed by the platform loader, not by the enclave. */
export type EnclaveStatus = {
  booted: true
  protocolVersion: number
  coreAbiVersion: number
  measurement: Hex
  /** The TEE backend. `simulation` gives NO hardware protection: the host can read the enclave's memory. */
  platform: 'simulation'
  /** Bound to a deployment (chain id and Ledger) by `bind`. */
  bound: boolean
} & GroupView

/** A member enclave's EIP-712 signature over a checkpoint (envelopes/checkpointTypes.ts). */
export type CheckpointSignature = { signer: Address; signature: Hex }

/** A checkpoint an enclave made, its signature, and the encrypted snapshot it commits to. */
export type SignedCheckpoint = { checkpoint: Checkpoint } & CheckpointSignature & { snapshot: Uint8Array }

/** Kinds of Ledger inputs (contracts/src/InputStream.sol KIND_ constants). */
export const INPUT_KIND = {
  commandBatch: 1,
  memberAdded: 2,
  memberRemoved: 3,
  rekey: 4,
  initKeyUpdated: 5,
  rekeyRequested: 6,
  /** Session command records; the Ledger emits only the block number, the records are the transaction's calldata. */
  sessionBatch: 7,
  /** A member renewed its registration; same payload as memberAdded, binding its current init key. */
  memberReattested: 10,
  /** A member's enclave opened its share of the pending rekey and it matched the commitment. */
  rekeyAck: 11,
  /** A member's enclave could not open its share of the pending rekey, or it did not match. */
  rekeyComplaint: 12,
  /** Anyone settled the pending rekey on its block timeout (EpochKeys.settleRekey): (epoch, rekeySeq). */
  rekeySettled: 13,
  /** Governance granted the identity app's KYC issuer role: abi.encode(uint64 blockNumber, governor, issuer). */
  identityIssuerGranted: 14,
  /**
   * The Ledger accepted a checkpoint: abi.encode((uint64 seq, bytes32 acc, bytes32 stateRoot, bytes32 snapshotHash,
   * bytes32 withdrawalRoot, bytes32 auditRoot) checkpoint, address[] signers, bytes[] signatures), signers ascending,
   * each signature EIP-712 over the checkpoint (envelopes/checkpointTypes.ts), for the enclave to check itself.
   */
  checkpoint: 15,
  /**
   * Two different checkpoints for one seq were shown and the Ledger paused intake:
   * abi.encode(uint64 seq, bytes32 checkpointHashA, bytes32 checkpointHashB), each keccak256(abi.encode(checkpoint)).
   */
  divergence: 16,
  /** Governance resumed the Ledger after a divergence: abi.encode(uint64 divergentSeq). */
  resumed: 17,
  /** An operator or governance asked for a checkpoint: abi.encode(address requester); a checkpoint position. */
  checkpointRequested: 18,
} as const

/**
 * One input of the Ledger's stream, as the chain follower read it. The payload crosses as bytes (protocol 2): as hex
 * it cost the enclave a validation and a decode per input, about 3 µs per session record.
 */
export type LedgerInput = { seq: bigint; kind: number; payload: Uint8Array; acc: Hex }

/** A signed rekey, ready for `Ledger.rekey`. */
export type RekeyProposal = {
  epoch: bigint
  /** The input it was built at. */
  atSeq: bigint
  setHash: Hex
  cmdPubKey: Hex
  commit: Hex
  shares: Hex[]
  proposer: Address
  signature: Hex
}

/**
 * A member enclave's signed answer to the pending rekey, ready for `Ledger.acknowledgeRekey` (ack) or
 * `Ledger.complainRekey`. The enclave decides which from its own share; the host cannot choose.
 */
export type RekeyAnswer = { epoch: bigint; rekeySeq: bigint; signer: Address; ack: boolean; signature: Hex }

/** A signed init-key replacement, ready for `Ledger.updateInitKey`. */
export type InitKeyUpdate = { signer: Address; initKey: Hex; signature: Hex }

/** The most signatures a `restore` may carry: more than any group's majority needs. */
export const MAX_CHECKPOINT_SIGNATURES = 256

/** The largest signed transaction `vouch` takes: a registration with evidence far beyond a DCAP quote's ~5 KB. */
export const MAX_TRANSACTION_BYTES = 64 * 1024

/** The most inputs one `ingest` may carry; the host splits longer catch-ups. */
export const MAX_INPUTS_PER_INGEST = 1000

/**
 * Largest Ledger input payload the enclave accepts (bytes). The Ledger's largest is a batch of 256 sealed records
 * (79,880 bytes) or a rekey with a share per member (~160 bytes each); the bound keeps a hostile host from making
 * the enclave hash gigabytes.
 */
export const MAX_INPUT_PAYLOAD_BYTES = 256 * 1024

/**
 * A signed read (envelopes/accountRead.ts): the wallet's one-time reply key, signed with its expiry (unix seconds),
 * and a fresh nonce per request that the reply must answer.
 */
export type ReadRequest = { account: Address; replyKey: Hex; expiresAt: bigint; requestNonce: Hex; signature: Hex }

/**
 * The enclave's answer: the reply sealed to the reply key, and the enclave signer's signature over the request, the
 * position `seq` with its accumulator `acc`, and the ciphertext's hash, which a wallet checks against the chain.
 */
export type ReadAnswer = { reply: Hex; seq: bigint; acc: Hex; signer: Address; signature: Hex }

/** The ECALL table: each method with its params and result (shaped like viem's EIP-1193 schema). */
export type EnclaveSchema = {
  getStatus: { params: undefined; result: EnclaveStatus }
  /** Binds the enclave to a deployment, from scratch or from a blob it sealed earlier on this machine. */
  bind: { params: { chainId: bigint; ledger: Address; sealed: Uint8Array | undefined }; result: null }
  /**
   * Evidence for registration or re-attestation, binding the operator, a recent block hash and `initKey`: the key the
   * chain lists for this member, or its first one before it is a member. Creates the identity once per membership.
   */
  attest: { params: { operator: Address; anchorHash: Hex }; result: { evidence: Hex; signer: Address; initKey: Hex } }
  /**
   * Applies Ledger inputs in order; stops at the first one that does not continue the stream, and (without error)
   * where a restoring enclave gained the epoch that admitted it: it restores there before it goes on.
   */
  ingest: { params: { inputs: LedgerInput[] }; result: { seq: bigint } }
  proposeRekey: { params: undefined; result: RekeyProposal }
  /** Its answer to the pending rekey: an ack if its share opened and matched the commitment, else a complaint. */
  answerRekey: { params: undefined; result: RekeyAnswer }
  rotateInitKey: { params: undefined; result: InitKeyUpdate }
  /**
   * The checkpoints this enclave made since the last call (at each epoch change and every CHECKPOINT_INTERVAL inputs),
   * each signed by its enclave key, with its encrypted snapshot for the host to store and serve by hash.
   */
  takeCheckpoints: { params: undefined; result: { checkpoints: SignedCheckpoint[] } }
  /**
   * Restores a restoring enclave from `snapshot`: it must sit at `checkpoint.seq` with the same accumulator, the
   * snapshot must hash to `checkpoint.snapshotHash`, open under the epoch's key and rebuild `checkpoint.stateRoot`,
   * and `signatures` must include a member that held the state before this epoch (of another operator, where one is).
   */
  restore: {
    params: { checkpoint: Checkpoint; signatures: CheckpointSignature[]; snapshot: Uint8Array }
    result: { seq: bigint; root: Hex }
  }
  /**
   * Vouches for the member `signer` (its registration gets no share until something does, `awaitingCheckpoint`)
   * with `transaction`, the signed transaction that registered it: an operator replacing its own node.
   */
  vouch: { params: { signer: Address; transaction: Hex }; result: null }
  /** The state sealed to this machine and measurement, for the host to store. */
  seal: { params: undefined; result: { blob: Uint8Array; seq: bigint } }
  /**
   * Whether a command record (sealed, 312 bytes, or session, 96 bytes) would be worth posting: it opens (under a held
   * epoch key, or as the next commands of a live session), its signature holds, its deadline is not before
   * `blockNumber` (the host's head: a hint, it only saves the host gas) and its nonce is within `PRECHECK_NONCE_WINDOW` (runtime/ecalls/precheck.ts)
   * of the account's next. One bit, whatever the reason, so a relayer learns nothing about the content.
   */
  precheck: { params: { record: Hex; blockNumber: bigint }; result: { accepted: boolean } }
  /**
   * An account's own view, sealed to the reply key its wallet signed for and signed by this enclave's signer over the
   * request and the position it answered from (envelopes/accountRead).
   */
  readAccount: { params: ReadRequest; result: ReadAnswer }
}

export type EnclaveMethod = keyof EnclaveSchema

export type EnclaveRequest<method extends EnclaveMethod = EnclaveMethod> = {
  [m in method]: { id: number; method: m; params: EnclaveSchema[m]['params'] }
}[method]

/** Error codes that cross the boundary as data (structured clone drops Error subclasses). */
export const ENCLAVE_ERROR_CODES = {
  /** The message is not a well-formed request. */
  invalidRequest: 1,
  /** The method is not in the ECALL table. */
  unknownMethod: 2,
  /** A request arrived before a successful boot. */
  notBooted: 3,
  /** The core module was refused or failed to start. */
  bootFailed: 4,
  /** Host and enclave speak different protocol versions. */
  protocolMismatch: 5,
  /** A broken invariant inside the enclave; the instance must be discarded. */
  internal: 6,
  /** Understood but refused in the enclave's current state (an input that breaks the stream, not a member, …). */
  rejected: 7,
} as const

export type EnclaveErrorCode = (typeof ENCLAVE_ERROR_CODES)[keyof typeof ENCLAVE_ERROR_CODES]

export type EnclaveErrorData = { code: EnclaveErrorCode; message: string }

export type EnclaveResponse =
  | { id: number; ok: true; result: unknown }
  | { id: number; ok: false; error: EnclaveErrorData }

/** First message from the platform loader: the measured code to run and the measurement it computed. */
export type BootMessage = {
  kind: 'boot'
  protocolVersion: number
  /** core.wasm bytes, exactly the ones measured. */
  core: Uint8Array
  measurement: Uint8Array
  /** The enclave's end of the privileged channel to its platform (quotes, seal keys). */
  platformPort: MessagePort
}

/** The enclave's answer to `BootMessage`. */
export type BootReply = { kind: 'booted'; coreAbiVersion: number } | { kind: 'bootFailed'; error: EnclaveErrorData }

/** How bytes move between host and Worker; browser Worker and Node worker_threads differ only here. */
export type EnclaveTransport = {
  post: (message: unknown, transfer?: Transferable[]) => void
  /** Registers the one handler for messages from the other side. */
  onMessage: (handler: (data: unknown) => void) => void
  /** Called once if the Worker throws or exits. */
  onExit: (handler: (reason: string) => void) => void
  terminate: () => Promise<void>
}

/** A message failed validation; `code` says how. Thrown by the parsers below. */
export class ProtocolViolation extends Error {
  override name = 'ProtocolViolation' as const
  constructor(
    readonly code: EnclaveErrorCode,
    message: string,
  ) {
    super(message)
  }
}

const noParams = (method: string) => (params: unknown) => {
  if (params !== undefined) throw invalid(`${method} takes no params`)
  return undefined
}

const METHODS: { [m in EnclaveMethod]: (params: unknown) => EnclaveSchema[m]['params'] } = {
  getStatus: noParams('getStatus'),
  precheck: (params) => {
    const p = asRecord(params, 'precheck params')
    const record =
      typeof p.record === 'string' && p.record.length === 2 + 2 * SESSION_RECORD_BYTES
        ? SESSION_RECORD_BYTES
        : COMMAND_RECORD_BYTES
    return { record: hexOf(p.record, record, 'record'), blockNumber: uint(p.blockNumber, 'blockNumber') }
  },
  readAccount: (params) => {
    const p = asRecord(params, 'readAccount params')
    // Checked here, not left to HPKE: sealing to a low-order point throws deep inside the reply.
    const replyKey = hexOf(p.replyKey, 32, 'replyKey')
    if (!isValidX25519PublicKey(replyKey)) throw invalid('replyKey must be a canonical X25519 public key of full order')
    return {
      account: addressOf(p.account, 'account'),
      replyKey,
      expiresAt: uint(p.expiresAt, 'expiresAt'),
      requestNonce: hexOf(p.requestNonce, 32, 'requestNonce'),
      signature: hexOf(p.signature, 65, 'signature'),
    }
  },
  proposeRekey: noParams('proposeRekey'),
  answerRekey: noParams('answerRekey'),
  rotateInitKey: noParams('rotateInitKey'),
  seal: noParams('seal'),
  takeCheckpoints: noParams('takeCheckpoints'),
  vouch: (params) => {
    const p = asRecord(params, 'vouch params')
    const transaction = p.transaction
    if (typeof transaction !== 'string' || transaction.length > 2 + 2 * MAX_TRANSACTION_BYTES)
      throw invalid(`transaction must be hex of at most ${MAX_TRANSACTION_BYTES} bytes`)
    return {
      signer: addressOf(p.signer, 'signer'),
      transaction: hexOf(transaction, (transaction.length - 2) / 2, 'transaction'),
    }
  },
  restore: (params) => {
    const p = asRecord(params, 'restore params')
    if (!Array.isArray(p.signatures) || p.signatures.length > MAX_CHECKPOINT_SIGNATURES)
      throw invalid(`signatures must be an array of at most ${MAX_CHECKPOINT_SIGNATURES}`)
    return {
      checkpoint: checkpointOf(p.checkpoint),
      signatures: Array.from(p.signatures as unknown[], signatureOf),
      // No size cap, like a sealed state: a snapshot grows with the group's state, and is authenticated before use.
      snapshot: bytesOf(p.snapshot, Number.POSITIVE_INFINITY, 'snapshot'),
    }
  },
  bind: (params) => {
    const p = asRecord(params, 'bind params')
    // No size cap: the sealed state grows with the group's real state, and the blob is authenticated before use.
    const sealed = p.sealed === undefined ? undefined : bytesOf(p.sealed, Number.POSITIVE_INFINITY, 'sealed')
    return { chainId: uint(p.chainId, 'chainId'), ledger: addressOf(p.ledger, 'ledger'), sealed }
  },
  attest: (params) => {
    const p = asRecord(params, 'attest params')
    return { operator: addressOf(p.operator, 'operator'), anchorHash: hexOf(p.anchorHash, 32, 'anchorHash') }
  },
  ingest: (params) => {
    const p = asRecord(params, 'ingest params')
    if (!Array.isArray(p.inputs) || p.inputs.length > MAX_INPUTS_PER_INGEST)
      throw invalid(`inputs must be an array of at most ${MAX_INPUTS_PER_INGEST}`)
    return {
      // Array.from visits holes too (map skips them), so a sparse array cannot smuggle `undefined` inputs through.
      inputs: Array.from(p.inputs as unknown[], (value) => {
        const input = asRecord(value, 'input')
        if (typeof input.kind !== 'number' || !Number.isInteger(input.kind) || input.kind < 0 || input.kind > 255)
          throw invalid('input.kind must be a uint8')
        const payload = bytesOf(input.payload, MAX_INPUT_PAYLOAD_BYTES, 'input.payload')
        return { seq: uint(input.seq, 'input.seq'), kind: input.kind, payload, acc: hexOf(input.acc, 32, 'input.acc') }
      }),
    }
  },
}

/** Parses a host message inside the Worker; every field is treated as hostile. */
export function parseRequest(data: unknown): EnclaveRequest {
  const message = asRecord(data, 'request')
  const id = message.id
  if (!isRequestId(id)) throw invalid('request id must be a non-negative safe integer')
  const method = message.method
  if (typeof method !== 'string' || !Object.hasOwn(METHODS, method))
    throw new ProtocolViolation(ENCLAVE_ERROR_CODES.unknownMethod, `unknown method ${JSON.stringify(method)}`)
  const params = METHODS[method as EnclaveMethod](message.params)
  return { id, method, params } as EnclaveRequest
}

/** Parses a Worker message on the host side. The result stays `unknown` until the caller's method types it. */
export function parseResponse(data: unknown): EnclaveResponse {
  const message = asRecord(data, 'response')
  if (!isRequestId(message.id)) throw invalid('response id must be a non-negative safe integer')
  if (message.ok === true) return { id: message.id, ok: true, result: message.result }
  if (message.ok === false) return { id: message.id, ok: false, error: parseErrorData(message.error) }
  throw invalid('response ok must be a boolean')
}

/** Parses the loader's boot message inside the Worker. */
export function parseBootMessage(data: unknown): BootMessage {
  const message = asRecord(data, 'boot message')
  if (message.kind !== 'boot') throw invalid('expected a boot message first')
  if (message.protocolVersion !== PROTOCOL_VERSION)
    throw new ProtocolViolation(
      ENCLAVE_ERROR_CODES.protocolMismatch,
      `host speaks protocol ${String(message.protocolVersion)}, enclave speaks ${PROTOCOL_VERSION}`,
    )
  const core = message.core
  if (!(core instanceof Uint8Array) || core.byteLength === 0 || core.byteLength > MAX_CORE_BYTES)
    throw invalid(`core must be 1..${MAX_CORE_BYTES} bytes`)
  const measurement = message.measurement
  if (!(measurement instanceof Uint8Array) || measurement.byteLength !== MEASUREMENT_BYTES)
    throw invalid(`measurement must be ${MEASUREMENT_BYTES} bytes`)
  const platformPort = message.platformPort
  if (typeof MessagePort === 'undefined' || !(platformPort instanceof MessagePort))
    throw invalid('platformPort must be a MessagePort')
  return { kind: 'boot', protocolVersion: PROTOCOL_VERSION, core, measurement, platformPort }
}

/** Parses the Worker's answer to a boot message on the loader side. */
export function parseBootReply(data: unknown): BootReply {
  const message = asRecord(data, 'boot reply')
  if (message.kind === 'booted' && isRequestId(message.coreAbiVersion))
    return { kind: 'booted', coreAbiVersion: message.coreAbiVersion }
  if (message.kind === 'bootFailed') return { kind: 'bootFailed', error: parseErrorData(message.error) }
  throw invalid('malformed boot reply')
}

/** Parses an `EnclaveStatus` result on the host side. */
export function parseEnclaveStatus(data: unknown): EnclaveStatus {
  const status = asRecord(data, 'status')
  if (status.booted !== true) throw invalid('status.booted must be true')
  if (!isRequestId(status.protocolVersion) || !isRequestId(status.coreAbiVersion))
    throw invalid('status versions must be integers')
  if (status.platform !== 'simulation') throw invalid('status.platform is unknown')
  if (!Array.isArray(status.members)) throw invalid('status.members must be an array')
  const optionalHex = (value: unknown, bytes: number, name: string) =>
    value === undefined ? undefined : hexOf(value, bytes, name)
  return {
    booted: true,
    protocolVersion: status.protocolVersion,
    coreAbiVersion: status.coreAbiVersion,
    measurement: hexOf(status.measurement, MEASUREMENT_BYTES, 'status.measurement'),
    platform: status.platform,
    bound: status.bound === true,
    signer: optionalHex(status.signer, 20, 'status.signer'),
    member: status.member === true,
    removed: status.removed === true,
    seq: uint(status.seq, 'status.seq'),
    root: optionalHex(status.root, 32, 'status.root'),
    restoring: status.restoring === true,
    acceptedCheckpoint:
      status.acceptedCheckpoint === undefined
        ? undefined
        : (() => {
            const c = asRecord(status.acceptedCheckpoint, 'status.acceptedCheckpoint')
            if (!isRequestId(c.signers)) throw invalid('status.acceptedCheckpoint.signers must be an integer')
            return {
              seq: uint(c.seq, 'status.acceptedCheckpoint.seq'),
              stateRoot: hexOf(c.stateRoot, 32, 'status.acceptedCheckpoint.stateRoot'),
              signers: c.signers,
            }
          })(),
    divergedAt: status.divergedAt === undefined ? undefined : uint(status.divergedAt, 'status.divergedAt'),
    pausedAt: status.pausedAt === undefined ? undefined : uint(status.pausedAt, 'status.pausedAt'),
    checkpoint:
      status.checkpoint === undefined
        ? undefined
        : (() => {
            const c = asRecord(status.checkpoint, 'status.checkpoint')
            return { seq: uint(c.seq, 'status.checkpoint.seq'), stateRoot: hexOf(c.stateRoot, 32, 'stateRoot') }
          })(),
    epoch: uint(status.epoch, 'status.epoch'),
    cmdPubKey: optionalHex(status.cmdPubKey, 32, 'status.cmdPubKey'),
    members: status.members.map((m: unknown) => hexOf(m, 20, 'status.members[]')),
    epochHolders: (Array.isArray(status.epochHolders) ? status.epochHolders : []).map((m: unknown) =>
      hexOf(m, 20, 'status.epochHolders[]'),
    ),
    awaitingCheckpoint:
      status.awaitingCheckpoint === undefined
        ? undefined
        : (() => {
            const a = asRecord(status.awaitingCheckpoint, 'status.awaitingCheckpoint')
            return {
              signer: hexOf(a.signer, 20, 'status.awaitingCheckpoint.signer'),
              addedAt: uint(a.addedAt, 'status.awaitingCheckpoint.addedAt'),
            }
          })(),
    pendingEpoch: status.pendingEpoch === undefined ? undefined : uint(status.pendingEpoch, 'status.pendingEpoch'),
    rekeyAnswerDue: status.rekeyAnswerDue === true,
    holdsEpoch: status.holdsEpoch === true,
    rekeyNeeded: status.rekeyNeeded === true,
    designatedProposer: status.designatedProposer === true,
    initKeyRotationDue: status.initKeyRotationDue === true,
    lastRekeyRefusal: typeof status.lastRekeyRefusal === 'string' ? status.lastRekeyRefusal.slice(0, 500) : undefined,
  }
}

/** Parses the result of `attest`. */
export function parseAttestResult(data: unknown): EnclaveSchema['attest']['result'] {
  const r = asRecord(data, 'attest result')
  if (typeof r.evidence !== 'string' || !/^0x([0-9a-fA-F]{2})+$/.test(r.evidence)) throw invalid('evidence must be hex')
  return {
    evidence: r.evidence as Hex,
    signer: hexOf(r.signer, 20, 'signer'),
    initKey: hexOf(r.initKey, 32, 'initKey'),
  }
}

/** Parses the result of `proposeRekey`. */
export function parseRekeyProposal(data: unknown): RekeyProposal {
  const r = asRecord(data, 'rekey proposal')
  if (!Array.isArray(r.shares)) throw invalid('shares must be an array')
  return {
    epoch: uint(r.epoch, 'epoch'),
    atSeq: uint(r.atSeq, 'atSeq'),
    setHash: hexOf(r.setHash, 32, 'setHash'),
    cmdPubKey: hexOf(r.cmdPubKey, 32, 'cmdPubKey'),
    commit: hexOf(r.commit, 32, 'commit'),
    shares: r.shares.map((share: unknown) => hexOf(share, 80, 'share')),
    proposer: hexOf(r.proposer, 20, 'proposer'),
    signature: hexOf(r.signature, 65, 'signature'),
  }
}

/** Parses the result of `answerRekey`. */
export function parseRekeyAnswer(data: unknown): RekeyAnswer {
  const r = asRecord(data, 'rekey answer')
  if (typeof r.ack !== 'boolean') throw invalid('ack must be a boolean')
  return {
    epoch: uint(r.epoch, 'epoch'),
    rekeySeq: uint(r.rekeySeq, 'rekeySeq'),
    signer: hexOf(r.signer, 20, 'signer'),
    ack: r.ack,
    signature: hexOf(r.signature, 65, 'signature'),
  }
}

/** Parses the result of `rotateInitKey`. */
export function parseInitKeyUpdate(data: unknown): InitKeyUpdate {
  const r = asRecord(data, 'init key update')
  return {
    signer: hexOf(r.signer, 20, 'signer'),
    initKey: hexOf(r.initKey, 32, 'initKey'),
    signature: hexOf(r.signature, 65, 'signature'),
  }
}

/** Parses the result of `seal`. */
export function parseSealResult(data: unknown): EnclaveSchema['seal']['result'] {
  const r = asRecord(data, 'seal result')
  if (!(r.blob instanceof Uint8Array)) throw invalid('blob must be bytes')
  return { blob: r.blob, seq: uint(r.seq, 'seq') }
}

/** Parses the result of `precheck`. */
export function parsePrecheckResult(data: unknown): EnclaveSchema['precheck']['result'] {
  return { accepted: asRecord(data, 'precheck result').accepted === true }
}

/** Parses the result of `readAccount`: its shape only; a wallet verifies the signature and the chain. */
export function parseReadAccountResult(data: unknown): EnclaveSchema['readAccount']['result'] {
  const r = asRecord(data, 'readAccount result')
  if (typeof r.reply !== 'string' || !/^0x([0-9a-fA-F]{2})+$/.test(r.reply) || r.reply.length > 2 + 2 * 4096)
    throw invalid('reply must be hex')
  return {
    reply: r.reply as Hex,
    seq: uint(r.seq, 'seq'),
    acc: hexOf(r.acc, 32, 'acc'),
    signer: addressOf(r.signer, 'signer'),
    signature: hexOf(r.signature, 65, 'signature'),
  }
}

/** Parses the result of `takeCheckpoints`. */
export function parseTakeCheckpointsResult(data: unknown): EnclaveSchema['takeCheckpoints']['result'] {
  const r = asRecord(data, 'takeCheckpoints result')
  if (!Array.isArray(r.checkpoints)) throw invalid('checkpoints must be an array')
  return {
    checkpoints: r.checkpoints.map((value: unknown) => {
      const c = asRecord(value, 'signed checkpoint')
      const snapshot = c.snapshot
      if (!(snapshot instanceof Uint8Array)) throw invalid('snapshot must be bytes')
      return { checkpoint: checkpointOf(c.checkpoint), ...signatureOf(c), snapshot }
    }),
  }
}

/** Parses the result of `restore`. */
export function parseRestoreResult(data: unknown): EnclaveSchema['restore']['result'] {
  const r = asRecord(data, 'restore result')
  return { seq: uint(r.seq, 'seq'), root: hexOf(r.root, 32, 'root') }
}

/** A checkpoint as the Ledger takes it; every field checked. */
function checkpointOf(value: unknown): Checkpoint {
  const c = asRecord(value, 'checkpoint')
  return {
    seq: uint(c.seq, 'checkpoint.seq'),
    acc: hexOf(c.acc, 32, 'checkpoint.acc'),
    stateRoot: hexOf(c.stateRoot, 32, 'checkpoint.stateRoot'),
    snapshotHash: hexOf(c.snapshotHash, 32, 'checkpoint.snapshotHash'),
    withdrawalRoot: hexOf(c.withdrawalRoot, 32, 'checkpoint.withdrawalRoot'),
    auditRoot: hexOf(c.auditRoot, 32, 'checkpoint.auditRoot'),
  }
}

function signatureOf(value: unknown): CheckpointSignature {
  const s = asRecord(value, 'checkpoint signature')
  return { signer: addressOf(s.signer, 'signer'), signature: hexOf(s.signature, 65, 'signature') }
}

/** Parses the result of `ingest`. */
export function parseIngestResult(data: unknown): EnclaveSchema['ingest']['result'] {
  return { seq: uint(asRecord(data, 'ingest result').seq, 'seq') }
}

/** Checks `value` is 0x-prefixed hex of exactly `bytes` bytes (any case); returns it unchanged. */
function hexOf(value: unknown, bytes: number, name: string): Hex {
  if (typeof value !== 'string' || value.length !== 2 + bytes * 2 || !/^0x[0-9a-fA-F]*$/.test(value))
    throw invalid(`${name} must be ${bytes} bytes of hex`)
  return value as Hex
}

/**
 * Checks `value` is an address in any case and returns it lowercase: viem refuses mixed or upper case that is not a
 * valid checksum, which would otherwise throw deep inside a handler.
 */
function addressOf(value: unknown, name: string): Address {
  return hexOf(value, 20, name).toLowerCase() as Address
}

/**
 * Checks `value` is bytes of at most `maxBytes`, and not a view of shared memory: the host could change shared bytes
 * between the enclave's check and their use.
 */
function bytesOf(value: unknown, maxBytes: number, name: string): Uint8Array {
  if (!(value instanceof Uint8Array) || !(value.buffer instanceof ArrayBuffer) || value.byteLength > maxBytes)
    throw invalid(
      `${name} must be bytes${Number.isFinite(maxBytes) ? ` (at most ${maxBytes})` : ''}, not shared memory`,
    )
  return value
}

/** Checks `value` is a non-negative bigint below 2^256. */
function uint(value: unknown, name: string): bigint {
  if (typeof value !== 'bigint' || value < 0n || value >= 2n ** 256n)
    throw invalid(`${name} must be a non-negative bigint`)
  return value
}

function parseErrorData(data: unknown): EnclaveErrorData {
  const error = asRecord(data, 'error')
  const codes: readonly unknown[] = Object.values(ENCLAVE_ERROR_CODES)
  if (!codes.includes(error.code)) throw invalid('error.code is unknown')
  if (typeof error.message !== 'string') throw invalid('error.message must be a string')
  return { code: error.code as EnclaveErrorCode, message: error.message.slice(0, 1000) }
}

function asRecord(data: unknown, what: string): Record<string, unknown> {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw invalid(`${what} must be an object`)
  return data as Record<string, unknown>
}

function isRequestId(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0
}

function invalid(message: string): ProtocolViolation {
  return new ProtocolViolation(ENCLAVE_ERROR_CODES.invalidRequest, message)
}
