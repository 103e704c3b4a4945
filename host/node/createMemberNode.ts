/**
 * Keeps one enclave a live member of its group: follows the Ledger's inputs into the enclave, registers it (again,
 * under a new signer, after a removal), re-attests it before its registration expires, posts the rekeys, rekey
 * answers and init-key updates it signs, settles a pending rekey once its block timeout passed (for the members that
 * are away), and stores its sealed state. The same loop runs headless (`anonify node`, `anonify dev`)
 * and in a browser tab.
 */
import { BaseError, ContractFunctionRevertedError, isAddressEqual, type Address } from 'viem'
import { ledgerAbi } from '../../contracts/generated/ledger'
import { MAX_INPUTS_PER_INGEST, type EnclaveStatus } from '../../enclave-wasm/protocol'
import type { Deployment } from '../deployment/parseDeployment'
import type { EnclaveClient } from '../enclave/createEnclaveClient'
import { WrongChainError } from '../errors/chain'
import { EnclaveCrashedError } from '../errors/enclave'
import { LedgerTransactionError, RegistrationFailedError } from '../errors/ledger'
import { formatError } from '../errors/formatError'
import type { LedgerClients } from '../ledger/confirmTransaction'
import { readInputs } from '../ledger/readInputs'
import { reattestEnclave } from '../ledger/reattestEnclave'
import { registerEnclave } from '../ledger/registerEnclave'
import { submitInitKeyUpdate } from '../ledger/submitInitKeyUpdate'
import { submitRekey } from '../ledger/submitRekey'
import { submitRekeyAnswer } from '../ledger/submitRekeyAnswer'
import { submitRekeySettle } from '../ledger/submitRekeySettle'
import type { SealedStateStore } from '../storage/sealedStateStore'
import { classifyRegistrationFailure } from './classifyRegistrationFailure'
import { ingestChunks } from './ingestChunks'

/** Per ingest call: small enough that a catch-up reports progress often and each call ends well within the enclave
 * client's timeout (~1 s of signature checks at most), large enough to amortise the ECALL. */
const INGEST_BOUNDS = { maxInputs: Math.min(100, MAX_INPUTS_PER_INGEST), maxBytes: 256 * 1024 }
/** A member re-attests once less than 1/REATTEST_FRACTION of the attestation TTL is left: the last fifth. */
const REATTEST_FRACTION = 5n

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
  | { type: 'error'; error: unknown }

export type CreateMemberNodeParameters = {
  enclave: EnclaveClient
  /** The operator's wallet pays for registration, rekeys and init-key updates. */
  clients: LedgerClients
  deployment: Deployment
  store: SealedStateStore
  /** How often to look for new blocks. */
  pollIntervalMs?: number | undefined
  /** How often a long catch-up seals its state on the way (after the ingest call that crosses it). */
  saveIntervalMs?: number | undefined
  /** Blocks a non-designated member waits before proposing a needed rekey itself. */
  rekeyFallbackBlocks?: number | undefined
  /** Registration attempts before a transient failure ends the node, and the first wait between them (it doubles). */
  registerRetry?: { attempts: number; delayMs: number } | undefined
  onEvent?: ((event: MemberNodeEvent) => void) | undefined
}

export type MemberNode = {
  /** Binds the enclave to the deployment, from the stored sealed state if there is one. */
  bind: () => Promise<void>
  /**
   * Binds if needed, then runs the loop until `stop`. Rejects if the enclave crashes, and with
   * `RegistrationFailedError` if registering cannot succeed (a revert, an opcode the chain lacks, the wrong chain…).
   */
  start: () => Promise<void>
  /** One pass: sync, register, rekey, rotate. Resolves to the enclave's status afterwards. */
  step: () => Promise<EnclaveStatus>
  /** Ends the loop after the current pass and seals the state one last time. */
  stop: () => Promise<void>
}

/**
 * @example
 * const node = createMemberNode({ enclave, clients, deployment, store: fileStore('data/enclave.sealed') })
 * void node.start()
 */
export function createMemberNode(parameters: CreateMemberNodeParameters): MemberNode {
  const {
    enclave,
    clients,
    deployment,
    store,
    pollIntervalMs = 500,
    saveIntervalMs = 2_000,
    rekeyFallbackBlocks = 5,
    onEvent,
  } = parameters
  const { attempts: registerAttempts, delayMs: registerDelayMs } = parameters.registerRetry ?? {
    attempts: 5,
    delayMs: 1_000,
  }
  const ledger = deployment.contracts.ledger
  const rpcUrl = clients.publicClient.chain?.rpcUrls.default.http[0] ?? deployment.rpcUrl
  // Where the next read of the Ledger starts: advanced only after what was read has been applied, so each poll reads
  // new blocks instead of the whole history. A restart scans once from the deployment block.
  let fromBlock = BigInt(deployment.deployBlock)
  let registering = false
  // The chain's expiry of the current signer's registration, read once per signer and after each re-attestation.
  let registration: { signer: Address; expiresAt: bigint; ttlSeconds: bigint } | undefined
  let registerFailures = 0
  let registerNotBefore = 0
  let rekeyNeededSince: bigint | undefined
  let running = false
  let bound = false
  let loop: Promise<void> | undefined
  let wake: (() => void) | undefined

  const save = async () => store.save((await enclave.seal()).blob)

  async function sync(): Promise<EnclaveStatus> {
    let status = await enclave.getStatus()
    // Only final blocks: an input applied from a block a reorg drops would leave this replica off the chain for good.
    const { inputs, toBlock } = await readInputs(clients.publicClient, {
      ledger,
      afterSeq: status.seq,
      fromBlock,
      finality: deployment.finality,
    })
    const target = inputs.at(-1)?.seq ?? status.seq
    let savedAt = performance.now()
    for (const chunk of ingestChunks(inputs, INGEST_BOUNDS)) {
      const { seq } = await enclave.ingest({ inputs: chunk })
      // A long catch-up is sealed as it goes: a crash or a reload mid-way resumes here, not from the start.
      if (performance.now() - savedAt >= saveIntervalMs && seq < target) {
        await save()
        savedAt = performance.now()
      }
      onEvent?.({ type: 'syncing', seq, target })
    }
    fromBlock = toBlock + 1n
    if (inputs.length > 0) {
      await save()
      status = await enclave.getStatus()
      onEvent?.({ type: 'synced', seq: status.seq, applied: inputs.length })
    }
    return status
  }

  /** One attempt; a transient failure schedules the next after a doubling wait, a deterministic one throws. */
  async function register(): Promise<void> {
    try {
      await attemptRegistration()
    } catch (error) {
      const failure = await classifyRegistrationFailure(error, {
        publicClient: clients.publicClient,
        deployment,
        rpcUrl,
      })
      if (failure.kind === 'fatal') throw failure.error
      if (failure.kind === 'race') {
        registering = true
        onEvent?.({ type: 'raceLost', action: 'register', errorName: failure.errorName })
        return
      }
      registerFailures++
      if (registerFailures >= registerAttempts)
        throw new RegistrationFailedError({
          reason: `it failed ${registerAttempts} times in a row: ${formatError(error)}`,
          remedies: [`Check that the chain's RPC endpoint ${rpcUrl} is up and reachable from this machine.`],
          cause: error,
        })
      const delayMs = registerDelayMs * 2 ** (registerFailures - 1)
      registerNotBefore = performance.now() + delayMs
      onEvent?.({
        type: 'retrying',
        action: 'register',
        attempt: registerFailures,
        attempts: registerAttempts,
        delayMs,
        error,
      })
    }
  }

  async function attemptRegistration(): Promise<void> {
    // A wrong endpoint would have the enclave attest for a chain whose registry it can never join.
    const chainId = await clients.publicClient.getChainId()
    if (chainId !== deployment.chainId)
      throw new WrongChainError({ rpcUrl, chainId, expectedChainId: deployment.chainId })
    const attested = await attest()
    // Sealed before the transaction: a crash after it lands must not lose the keys the chain now lists.
    await save()
    await registerEnclave(clients, { ledger, ...attested })
    registering = true
    onEvent?.({ type: 'registered', signer: attested.signer })
  }

  /** Fresh evidence from the enclave, anchored one block back: a call simulated at the head has block.number = head. */
  async function attest() {
    const head = await clients.publicClient.getBlockNumber()
    const anchorBlock = await clients.publicClient.getBlock({ blockNumber: head > 0n ? head - 1n : 0n })
    const attested = await enclave.attest({
      operator: clients.walletClient.account.address,
      anchorHash: anchorBlock.hash,
    })
    return { ...attested, anchorBlock: anchorBlock.number }
  }

  /** Whether `signer`'s registration is in the last fifth of its TTL (or past it), by the chain's latest block time. */
  async function reattestationDue(signer: Address): Promise<boolean> {
    if (!registration || !isAddressEqual(registration.signer, signer)) {
      const read = { address: ledger, abi: ledgerAbi } as const
      const [enclaveOf, ttlSeconds] = await Promise.all([
        clients.publicClient.readContract({ ...read, functionName: 'enclaveOf', args: [signer] }),
        clients.publicClient.readContract({ ...read, functionName: 'attestationTtlSeconds' }),
      ])
      if (!enclaveOf.active) return false
      registration = { signer, expiresAt: enclaveOf.expiresAt, ttlSeconds }
    }
    // Block time, not this machine's clock: expiry is judged by the chain, and a test chain's clock can jump.
    const { timestamp } = await clients.publicClient.getBlock({ blockTag: 'latest' })
    return registration.expiresAt - timestamp <= registration.ttlSeconds / REATTEST_FRACTION
  }

  /** Renews the registration with evidence that binds the init key the chain lists for this member. */
  async function reattest(signer: Address): Promise<void> {
    await tolerateRace('reattest', async () => {
      const attested = await attest()
      await reattestEnclave(clients, { ledger, evidence: attested.evidence, signer, anchorBlock: attested.anchorBlock })
      registration = undefined
      const { expiresAt } = await clients.publicClient.readContract({
        address: ledger,
        abi: ledgerAbi,
        functionName: 'enclaveOf',
        args: [signer],
      })
      onEvent?.({ type: 'reattested', signer, expiresAt })
    })
  }

  /** Runs `action`; a revert means another member got there first, which the next sync will show. */
  async function tolerateRace(action: string, run: () => Promise<void>): Promise<void> {
    try {
      await run()
    } catch (error) {
      const revert =
        error instanceof BaseError ? error.walk((e) => e instanceof ContractFunctionRevertedError) : undefined
      if (!(revert instanceof ContractFunctionRevertedError)) throw error
      onEvent?.({ type: 'raceLost', action, errorName: revert.data?.errorName ?? 'unknown' })
    }
  }

  async function step(): Promise<EnclaveStatus> {
    let status = await sync()
    // Also after a removal: the enclave dropped that identity, so this registers a new signer, which the group then
    // rekeys in. Its application state for the inputs it could not open meanwhile is not restored (until checkpoints).
    if (!status.member && !registering && performance.now() >= registerNotBefore) await register()
    if (status.member) registering = false
    if (status.member && status.signer && (await reattestationDue(status.signer))) {
      await reattest(status.signer)
      status = await sync()
    }

    if (status.member && status.rekeyNeeded && (status.holdsEpoch || status.epoch === 0n)) {
      const head = await clients.publicClient.getBlockNumber()
      rekeyNeededSince ??= head
      // The chain may hold a rekey this enclave has not applied yet (it follows final blocks only): one at a time.
      const [chainPending] = await readPendingRekey()
      if (
        chainPending === 0n &&
        (status.designatedProposer || head - rekeyNeededSince >= BigInt(rekeyFallbackBlocks))
      ) {
        await tolerateRace('rekey', async () => {
          await submitRekey(clients, { ledger, proposal: await enclave.proposeRekey() })
          onEvent?.({ type: 'rekeyed', epoch: status.epoch + 1n })
        })
        status = await sync()
      }
    }
    if (!status.rekeyNeeded) rekeyNeededSince = undefined

    if (status.rekeyAnswerDue) {
      await tolerateRace('answerRekey', async () => {
        // The enclave decides ack or complaint from its own share; the host only carries the signed answer.
        const answer = await enclave.answerRekey()
        await submitRekeyAnswer(clients, { ledger, answer })
        onEvent?.({ type: 'rekeyAnswered', epoch: answer.epoch, ack: answer.ack })
      })
      status = await sync()
    }

    if (status.pendingEpoch !== undefined && (await settleOnTimeout())) status = await sync()

    if (status.initKeyRotationDue) {
      const update = await enclave.rotateInitKey()
      // The pending init key is sealed before the chain can seal a share to it.
      await save()
      await tolerateRace('updateInitKey', async () => {
        await submitInitKeyUpdate(clients, { ledger, update })
        onEvent?.({ type: 'initKeyRotated', epoch: status.epoch })
      })
      status = await sync()
    }
    return status
  }

  /**
   * Settles the chain's pending rekey if its block timeout has passed; whether it sent the settlement. Another member
   * (or the deciding ack) may settle it first: that revert is a lost race, not an error.
   */
  async function settleOnTimeout(): Promise<boolean> {
    const [[epoch, rekeySeq, , , , settleableAt], head] = await Promise.all([
      readPendingRekey(),
      clients.publicClient.getBlockNumber(),
    ])
    if (epoch === 0n || head < settleableAt) return false
    await tolerateRace('settleRekey', async () => {
      try {
        await submitRekeySettle(clients, { ledger, epoch, rekeySeq })
      } catch (error) {
        // Every online member settles at the same block: one whose transaction lands after another's reverts on
        // chain, past the simulation. That rekey is then no longer pending, which is all this member wanted.
        const [stillPending, stillSeq] = await readPendingRekey()
        if (!(error instanceof LedgerTransactionError) || (stillPending === epoch && stillSeq === rekeySeq)) throw error
        onEvent?.({ type: 'raceLost', action: 'settleRekey', errorName: 'EpochNoPendingRekey' })
        return
      }
      onEvent?.({ type: 'rekeySettled', epoch })
    })
    return true
  }

  function readPendingRekey() {
    return clients.publicClient.readContract({ address: ledger, abi: ledgerAbi, functionName: 'pendingRekey' })
  }

  async function run(): Promise<void> {
    while (running) {
      try {
        await step()
      } catch (error) {
        if (error instanceof EnclaveCrashedError || error instanceof RegistrationFailedError) {
          running = false
          throw error
        }
        onEvent?.({ type: 'error', error })
      }
      if (!running) break
      await new Promise<void>((resolve) => {
        wake = resolve
        setTimeout(resolve, pollIntervalMs)
      })
    }
  }

  async function bind(): Promise<void> {
    if (bound) return
    await enclave.bind({ chainId: BigInt(deployment.chainId), ledger, sealed: await store.load() })
    bound = true
  }

  return {
    bind,
    step,
    async start() {
      await bind()
      running = true
      loop = run()
      await loop
    },
    async stop() {
      running = false
      wake?.()
      await loop?.catch(() => {})
      if (bound) await save()
    },
  }
}
