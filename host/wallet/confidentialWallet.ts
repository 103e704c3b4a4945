/**
 * A user's confidential wallet, the same for the CLI and the browser: it takes the epoch key from the chain (never
 * from a node) and checks it against the rekey that a registered, attested member signed (readEpochKey) before
 * sealing anything to it; it signs and seals commands locally, hands only ciphertext to a poster (a relayer, or the
 * user's own transaction), and reads its own account through any member node with a signed read key, believing a
 * reply only once its enclave's signature and position check out against the chain (a forged, replayed, removed
 * member's or stale reply is refused, and the next node asked).
 */
import type { Address, Hex, PublicClient, TypedDataDefinition } from 'viem'
import type { AccountReply } from '../../enclave-wasm/envelopes/readReply'
import type { CoreCommand } from '../../enclave-wasm/envelopes/coreCommands'
import { createAccountReader, type AccountReadSource } from '../envelopes/readAccount'
import { createWalletSession } from '../envelopes/createWalletSession'
import { sealSignedCommand, signCommand, type SignedCommand } from '../envelopes/sealCommand'
import { AnonifyError } from '../errors/base'
import { createAnswerChecker, type VerifiedAnswerer } from '../ledger/checkReadAnswer'
import { readEpochKey, type VerifiedEpochKey } from '../ledger/readEpochKey'
import type { FinalityPolicy } from '../ledger/readFinalBlock'
import { createFailover } from './failover'
import type { SessionStore } from './sessionStore'

/** Blocks a command stays valid for once signed. */
export const DEADLINE_BLOCKS = 64n
/** Blocks a session lasts unless asked otherwise (it also ends at the next rekey). */
export const SESSION_BLOCKS = 10_000n
const WAIT_MS = 30_000
const POLL_MS = 500

/** Where sealed records go: a node's relayer, or a transaction the user sends. Resolves to whether it was taken. */
export type CommandPoster = { postCommand: (record: Uint8Array) => Promise<boolean> }

export type CreateConfidentialWalletParameters = {
  chainId: bigint
  ledger: Address
  account: Address
  /** The account's EIP-712 signer: commands, session grants and the read key. */
  signTypedData: (typedData: TypedDataDefinition) => Promise<Hex>
  publicClient: PublicClient
  /** The Ledger's deployment block, where the epoch-key check starts reading its logs (0 if not given). */
  fromBlock?: bigint | undefined
  /** The deployment's finality policy: a reply from an input long behind the final block is stale. */
  finality: FinalityPolicy
  /**
   * What answers this account's signed reads, tried in order (member nodes' APIs, or the page's own enclave), each
   * named for the person (its URL, "this tab's replica").
   */
  readers: readonly { name: string; reader: AccountReadSource }[]
  poster: CommandPoster
  sessions: SessionStore
}

/**
 * A command handed to the poster: the nonce it used and the input the account had reached before it. A signed command
 * keeps its signed plaintext and the epoch it is sealed to, so it can be sealed again if that epoch settles away.
 */
export type PostedCommand = {
  nonce: bigint
  afterSeq: bigint
  resealable?: { signed: SignedCommand; epoch: bigint; deadlineBlock: bigint }
}

/** A posted command's fate: pending (not yet in a final block a replica applied), or its receipt. */
export type CommandStatus =
  | { state: 'pending' }
  | {
      state: 'applied' | 'refused'
      account: VerifiedAccountReply
      receipt: NonNullable<AccountReply['receipt']>
    }

/** The account as a member enclave answered it, with that member as the chain knows it. */
export type VerifiedAccountReply = AccountReply & { answeredBy: VerifiedAnswerer }

export class NoLiveSessionError extends AnonifyError {
  override name = 'NoLiveSessionError' as const
  constructor() {
    super('This wallet has no live session.', {
      metaMessages: ['Sessions end at their expiry block and at every rekey. Start a new one (one signature).'],
    })
  }
}

export class CommandRefusedByNodeError extends AnonifyError {
  override name = 'CommandRefusedByNodeError' as const
  constructor() {
    super('The enclave refused the command before posting it.', {
      metaMessages: ['The epoch may have just rotated or another command used this nonce; send it again.'],
    })
  }
}

export class CommandNotAppliedError extends AnonifyError {
  override name = 'CommandNotAppliedError' as const
  constructor({ waitedMs }: { waitedMs: number }) {
    super(`The command was still pending after ${waitedMs / 1000} s.`, {
      metaMessages: ['It may be queued at the relayer or in a block not yet final; check the balance again shortly.'],
    })
  }
}

/**
 * @example
 * const wallet = createConfidentialWallet({ chainId, ledger, account, signTypedData, publicClient, finality, readers: [{ name: url, reader: node }], poster: node, sessions })
 * const posted = await wallet.send({ op: 'transfer', to: bob, amount: 6000n })
 * const { receipt } = await wallet.waitForReceipt(posted)
 */
export function createConfidentialWallet(parameters: CreateConfidentialWalletParameters) {
  const { chainId, ledger, account, signTypedData, publicClient, fromBlock, finality, readers, poster, sessions } =
    parameters
  const accountReader = createAccountReader({ chainId, ledger, account, signTypedData })
  const check = createAnswerChecker({ publicClient, ledger, finality, fromBlock: fromBlock ?? 0n })
  const nodes = createFailover(readers.map(({ name, reader }) => ({ name, value: reader })))
  const read = (): Promise<VerifiedAccountReply> =>
    nodes.attempt(async (reader, name) => {
      const signed = await accountReader.read(reader, name)
      return { ...signed.account, answeredBy: await check(name, signed) }
    })
  // The last command posted and not yet seen applied: a second send before then must take the next nonce, not reuse
  // the enclave's. Forgotten once its deadline passed unapplied (it can no longer be sequenced).
  let inFlight: { nonce: bigint; deadlineBlock: bigint } | undefined
  // The last epoch key that passed the check; checked again only when the chain names another.
  let verified: VerifiedEpochKey | undefined

  /**
   * The group's current epoch key, from the chain and checked against its rekey (throws EpochKeyNotVerifiedError
   * before anything is signed or sealed), with the account's state and the head block.
   */
  async function context() {
    const [group, account, head] = await Promise.all([
      readEpochKey(publicClient, { chainId, ledger, fromBlock, verified }),
      read(),
      publicClient.getBlockNumber({ cacheTime: 0 }),
    ])
    verified = group
    if (group.epoch === 0n)
      throw new AnonifyError('The group has no epoch key yet.', {
        metaMessages: ['Wait for a member to key the first epoch.'],
      })
    const pending = inFlight && account.nonce <= inFlight.nonce && head <= inFlight.deadlineBlock
    const before = pending ? { ...account, nonce: inFlight!.nonce + 1n } : account
    return { group, before, deadlineBlock: head + DEADLINE_BLOCKS, head }
  }

  async function post(record: Uint8Array, before: VerifiedAccountReply, deadlineBlock: bigint): Promise<PostedCommand> {
    if (!(await poster.postCommand(record))) throw new CommandRefusedByNodeError()
    inFlight = { nonce: before.nonce, deadlineBlock }
    return { nonce: before.nonce, afterSeq: before.seq }
  }

  /**
   * Signs and seals `command`, then posts it. Resealable unless it grants a session: the session's keys are derived
   * for the epoch it was granted in, so a grant that misses its epoch is sent anew.
   */
  async function sendSealed(
    command: CoreCommand,
    prepared?: Awaited<ReturnType<typeof context>>,
  ): Promise<PostedCommand> {
    const { group, before, deadlineBlock } = prepared ?? (await context())
    const signed = await signCommand({
      chainId,
      ledger,
      account,
      nonce: before.nonce,
      deadlineBlock,
      command,
      signTypedData,
    })
    const epoch = { chainId, ledger, epoch: Number(group.epoch), cmdPubKey: group.cmdPubKey }
    const posted = await post(await sealSignedCommand(signed, epoch), before, deadlineBlock)
    return command.op === 'startSession'
      ? posted
      : { ...posted, resealable: { signed, epoch: group.epoch, deadlineBlock } }
  }

  /**
   * A command sealed just before a rekey settled and sequenced after it opens for nobody: every member erased that
   * epoch's key, and a member that joined at the rekey never had it. So while it is pending and the chain names a newer
   * epoch, the same signed command is sealed to the new key and posted again, with no second signature. Replicas
   * agree on the outcome either way: the old copy is refused by all, and whichever copy lands first spends the nonce.
   */
  async function resealIfRekeyed(posted: PostedCommand): Promise<void> {
    const resealable = posted.resealable
    if (!resealable) return
    const group = await readEpochKey(publicClient, { chainId, ledger, fromBlock, verified })
    verified = group
    if (group.epoch === resealable.epoch || resealable.deadlineBlock < (await publicClient.getBlockNumber())) return
    const record = await sealSignedCommand(resealable.signed, {
      chainId,
      ledger,
      epoch: Number(group.epoch),
      cmdPubKey: group.cmdPubKey,
    })
    resealable.epoch = group.epoch
    if (!(await poster.postCommand(record))) throw new CommandRefusedByNodeError()
  }

  /**
   * What became of `posted`, as the enclave reports it: `pending` until a replica applied the block holding it, which
   * it does only once that block is final, so a command a reorg dropped (and its relayer posts again) stays pending.
   * A pending one whose epoch settled away is sealed again to the new one (resealIfRekeyed).
   */
  async function commandStatus(posted: PostedCommand): Promise<CommandStatus> {
    const status = await appliedStatus(posted)
    if (status.state === 'pending') await resealIfRekeyed(posted)
    return status
  }

  async function appliedStatus(posted: PostedCommand): Promise<CommandStatus> {
    const current = await read()
    const { receipt } = current
    if (receipt && receipt.nonce === posted.nonce && receipt.seq > posted.afterSeq)
      return { state: receipt.code === 0 ? 'applied' : 'refused', account: current, receipt }
    // A later command of the account may already have taken the receipt's place: the history still has this one.
    const sent = current.history.find(
      (e) => e.direction === 'sent' && e.nonce === posted.nonce && e.seq > posted.afterSeq,
    )
    if (!sent) return { state: 'pending' }
    const found = { nonce: sent.nonce, code: sent.code, seq: sent.seq }
    return { state: sent.code === 0 ? 'applied' : 'refused', account: current, receipt: found }
  }

  return {
    account,
    read,

    /** Sends a token command: sealed and signed, or with `session` as the next record of the live session (no signature). */
    async send(command: CoreCommand, { session = false }: { session?: boolean } = {}): Promise<PostedCommand> {
      if (!session) return sendSealed(command)
      const { group, before, deadlineBlock } = await context()
      const saved = await sessions.load()
      const live = before.apps.session
      if (!saved || !live || live.epoch !== group.epoch || BigInt(saved.epoch) !== group.epoch)
        throw new NoLiveSessionError()
      // The enclave's `next` covers records applied; the store's covers records posted but perhaps not yet applied.
      const next = BigInt(saved.next) > live.next ? BigInt(saved.next) : live.next
      const walletSession = createWalletSession({
        chainId,
        ledger,
        epoch: Number(group.epoch),
        account,
        resume: { sessionKey: saved.sessionKey, next },
      })
      const record = walletSession.seal({ nonce: before.nonce, deadlineBlock, command })
      await sessions.save({ ...saved, next: `${walletSession.next}` })
      return post(record, before, deadlineBlock)
    },

    /** Grants a fresh session key for `blocks` blocks (one signature); later transfers may go with `session`. */
    async startSession({ blocks = SESSION_BLOCKS }: { blocks?: bigint } = {}): Promise<PostedCommand> {
      const prepared = await context()
      const walletSession = createWalletSession({ chainId, ledger, epoch: Number(prepared.group.epoch), account })
      // Saved before the grant is posted: a crash afterwards must not leave a live session whose key is lost.
      await sessions.save({
        chainId: `${chainId}`,
        ledger,
        account,
        epoch: `${prepared.group.epoch}`,
        sessionKey: walletSession.sessionKey,
        next: '0',
      })
      return sendSealed(walletSession.grant(prepared.head + blocks), prepared)
    },

    /** Ends the live session (signed); the stored key is forgotten once the enclave applied the end. */
    async endSession(): Promise<PostedCommand> {
      return sendSealed({ op: 'endSession' })
    },

    forgetSession: () => sessions.forget(),

    commandStatus,

    /** Polls `commandStatus` while the command is pending, bounded in time. */
    async waitForReceipt(
      posted: PostedCommand,
      { timeoutMs = WAIT_MS }: { timeoutMs?: number } = {},
    ): Promise<VerifiedAccountReply & { receipt: NonNullable<AccountReply['receipt']> }> {
      const deadline = Date.now() + timeoutMs
      for (;;) {
        const status = await commandStatus(posted)
        if (status.state !== 'pending') return { ...status.account, receipt: status.receipt }
        if (Date.now() > deadline) throw new CommandNotAppliedError({ waitedMs: timeoutMs })
        await new Promise((resolve) => setTimeout(resolve, POLL_MS))
      }
    },
  }
}

export type ConfidentialWallet = ReturnType<typeof createConfidentialWallet>
