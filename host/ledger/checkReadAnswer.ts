/**
 * The chain's half of an authenticated read (host/envelopes/readAccount.ts checks the enclave's signature): the
 * enclave that signed the reply is an active registered member with an allowed measurement, the Ledger has the input
 * the reply answers from with the same accumulator, and that input is not long behind what the Ledger made final.
 * One multicall per read; the facts of a registration, which never change, are read once per enclave.
 */
import type { Address, Hex, PublicClient } from 'viem'
import { ledgerAbi } from '../../contracts/generated/ledger'
import { ReadReplyRefusedError, type ReadRefusal } from '../errors/read'
import type { SignedAccountReply } from '../envelopes/readAccount'
import { readFinalBlock, type FinalityPolicy } from './readFinalBlock'

/**
 * Blocks past finality a node may take to apply an input before its replies count as stale: it follows final blocks
 * on a polling interval, so a faithful node trails the final block by a few blocks at most.
 */
export const STALE_AFTER_BLOCKS = 12n

/** The member that answered, as the chain knows it: what a wallet shows beside the balance. */
export type VerifiedAnswerer = {
  /** The node's URL, or "this tab's replica". */
  node: string
  signer: Address
  operator: Address
  measurement: Hex
  tcbStatus: number
  registeredBlock: bigint
  /** The input the reply answers from, and the Ledger's latest when it was checked. */
  seq: bigint
  ledgerSeq: bigint
}

type Registration = { operator: Address; measurement: Hex; registeredBlock: bigint }

export type CreateAnswerCheckerParameters = {
  publicClient: PublicClient
  ledger: Address
  finality: FinalityPolicy
  /** The Ledger's deployment block, where registrations are looked up from. */
  fromBlock: bigint
}

/**
 * @example
 * const check = createAnswerChecker({ publicClient, ledger, finality: deployment.finality, fromBlock })
 * const answerer = await check(node.url, await reader.read(node, node.url))
 */
export function createAnswerChecker({ publicClient, ledger, finality, fromBlock }: CreateAnswerCheckerParameters) {
  const registrations = new Map<string, Promise<Registration | undefined>>()
  const registrationOf = (signer: Address) => {
    const key = signer.toLowerCase()
    let found = registrations.get(key)
    if (!found) {
      found = publicClient
        .getContractEvents({
          address: ledger,
          abi: ledgerAbi,
          eventName: 'EnclaveRegistered',
          args: { signer },
          fromBlock,
        })
        .then(([event]) =>
          event
            ? {
                operator: event.args.operator!,
                measurement: event.args.measurement!,
                registeredBlock: event.blockNumber,
              }
            : undefined,
        )
      // A failed lookup (the RPC down) is asked again next time; an answer, found or not, is kept.
      found.catch(() => registrations.delete(key))
      registrations.set(key, found)
    }
    return found
  }

  return async function check(node: string, { answer }: SignedAccountReply): Promise<VerifiedAnswerer> {
    const { signer, seq, acc } = answer
    const refuse = (reason: ReadRefusal, detail: string) => new ReadReplyRefusedError({ reason, node, detail, signer })
    const registration = await registrationOf(signer)
    if (!registration) throw refuse('notMember', `enclave ${signer} never registered with this Ledger.`)
    const final = await readFinalBlock(publicClient, finality)
    const read = { address: ledger, abi: ledgerAbi } as const
    // Never before the deployment: the Ledger has no code there.
    const staleBlock = final - STALE_AFTER_BLOCKS > fromBlock ? final - STALE_AFTER_BLOCKS : fromBlock
    const [[ledgerSeq, accumulator, active, allowed, enclave], finalSeq] = await Promise.all([
      publicClient.multicall({
        contracts: [
          { ...read, functionName: 'seq' },
          { ...read, functionName: 'accumulatorAt', args: [seq] },
          { ...read, functionName: 'isActive', args: [signer] },
          { ...read, functionName: 'isMeasurementAllowed', args: [registration.measurement] },
          { ...read, functionName: 'enclaveOf', args: [signer] },
        ],
        deployless: true,
        allowFailure: true,
      }),
      publicClient.readContract({ ...read, functionName: 'seq', blockNumber: staleBlock }),
    ])
    if (
      ledgerSeq.status !== 'success' ||
      active.status !== 'success' ||
      allowed.status !== 'success' ||
      enclave.status !== 'success'
    )
      throw new Error(`The RPC could not read the Ledger at ${ledger} to check a reply.`)
    if (!active.result)
      throw refuse(
        'notMember',
        `enclave ${signer} is no longer an active member (removed, or its registration expired).`,
      )
    if (!allowed.result)
      throw refuse('notMember', `enclave ${signer} runs measurement ${registration.measurement}, which is not allowed.`)
    if (seq > ledgerSeq.result)
      throw refuse('unknownSeq', `it claims input ${seq}, but the Ledger has ${ledgerSeq.result} inputs.`)
    if (accumulator.status !== 'success' || accumulator.result.toLowerCase() !== acc.toLowerCase())
      throw refuse(
        'wrongState',
        `its state at input ${seq} is not the one the Ledger ordered (the accumulator differs).`,
      )
    if (seq < finalSeq)
      throw refuse(
        'stale',
        `it answers from input ${seq}, but the Ledger had made input ${finalSeq} final ${STALE_AFTER_BLOCKS} blocks earlier.`,
      )
    return {
      node,
      signer,
      operator: registration.operator,
      measurement: registration.measurement,
      tcbStatus: enclave.result.tcbStatus,
      registeredBlock: registration.registeredBlock,
      seq,
      ledgerSeq: ledgerSeq.result,
    }
  }
}

export type AnswerChecker = ReturnType<typeof createAnswerChecker>
