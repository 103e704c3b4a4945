/**
 * The host chooses what its enclave sees. Here a host plays the liar against its own member enclave: it fabricates
 * Ledger inputs the chain never held, with an accumulator chain it recomputed itself (the enclave has no light client
 * to tell), and tries to get the epoch secret sealed to a key it holds, or its enclave to adopt a rekey whose secret the
 * host chose. The enclave refuses what the Ledger could
 * never have emitted, so the rekey it builds afterwards gives the host nothing.
 */
import { sha256 } from '@noble/hashes/sha2.js'
import { randomBytes } from '@noble/hashes/utils.js'
import {
  concatBytes,
  createPublicClient,
  createWalletClient,
  encodeAbiParameters,
  encodePacked,
  hexToBytes,
  http,
  isAddressEqual,
  parseEventLogs,
  toHex,
  type Address,
  type Hex,
} from 'viem'
import { privateKeyToAddress } from 'viem/accounts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ledgerAbi } from '../../../contracts/generated/ledger'
import { createLedgerClients } from '../../../host/chain/createLedgerClients'
import { startAnvil, type Anvil } from '../../../host/chain/startAnvil'
import { deployStack } from '../../../host/deployment/deployStack'
import type { Deployment } from '../../../host/deployment/parseDeployment'
import type { EnclaveClient } from '../../../host/enclave/createEnclaveClient'
import { startNodeEnclave } from '../../../host/enclave/startNodeEnclave'
import { EnclaveRequestError } from '../../../host/errors/enclave'
import { TEE_TYPE_SIM } from '../../../host/ledger/constants'
import { readGroup } from '../../../host/ledger/readGroup'
import { readInputs } from '../../../host/ledger/readInputs'
import { submitBatch } from '../../../host/ledger/submitBatch'
import { submitRekey } from '../../../host/ledger/submitRekey'
import { createMemberNode, type MemberNode } from '../../../host/node/createMemberNode'
import { stepUntil } from '../../../host/node/stepUntil'
import { memoryStore } from '../../../host/storage/sealedStateStore'
import { nextAccumulator } from '../../envelopes/inputAccumulator'
import { ENCLAVE_SIGNER_ID } from '../../platform/launchEnclave'
import { ENCLAVE_BUILD_DIR } from '../../platform/launchNodeEnclave'
import { readEnclaveManifest } from '../../platform/manifest'
import { createSimMachine, createSimPlatform } from '../../platform/sim/createSimPlatform'
import { ENCLAVE_ERROR_CODES, INPUT_KIND, type LedgerInput, type RekeyProposal } from '../../protocol'
import { sealTo } from '../../envelopes/hpkeSuite'
import { REKEY_PAYLOAD } from '../../envelopes/rekeyInput'
import { deriveEpochKeys } from './keySchedule'
import { deriveX25519, openWith, type X25519KeyPair } from './hpke'
import { shareInfo } from './shareInfo'
import { REGISTRATION_PAYLOAD } from '../../envelopes/checkRegistration'

let anvil: Anvil
let deployment: Deployment
const enclaves: EnclaveClient[] = []

type Member = { node: MemberNode; enclave: EnclaveClient }
let alice: Member
let bob: Member

const publicClient = () => createPublicClient({ transport: http(anvil.rpcUrl) })

async function startMember(accountIndex: number): Promise<Member> {
  const accounts = await createWalletClient({ transport: http(anvil.rpcUrl) }).getAddresses()
  const clients = createLedgerClients({
    rpcUrl: anvil.rpcUrl,
    chainId: deployment.chainId,
    account: accounts[accountIndex]!,
    pollingIntervalMs: 50,
  })
  const { client: enclave } = await startNodeEnclave({ machine: await createSimMachine() })
  enclaves.push(enclave)
  const node = createMemberNode({ enclave, clients, deployment, store: memoryStore() })
  await node.bind()
  return { node, enclave }
}

/** The lying host's input: `kind` with `payload`, numbered and chained onto what the enclave has applied. */
async function fabricated(enclave: EnclaveClient, kind: number, payload: Hex): Promise<LedgerInput> {
  const { seq } = await enclave.getStatus()
  // The host reads the real accumulator from the chain and folds its own input onto it, exactly as the Ledger would.
  const previous = await publicClient().readContract({
    address: deployment.contracts.ledger,
    abi: ledgerAbi,
    functionName: 'accumulatorAt',
    args: [seq],
  })
  const next = seq + 1n
  return { seq: next, kind, payload: hexToBytes(payload), acc: nextAccumulator(previous, next, kind, payload) }
}

/** How many shares of `proposal` open with the host's key, under any member's label. */
async function sharesOpenedBy(
  hostKey: X25519KeyPair,
  proposal: RekeyProposal,
  members: readonly Address[],
): Promise<number> {
  const labels = { chainId: BigInt(deployment.chainId), ledger: deployment.contracts.ledger }
  let opened = 0
  for (const share of proposal.shares)
    for (const member of members)
      await openWith(
        hostKey.privateKey,
        shareInfo(labels, proposal.epoch, member),
        hexToBytes(proposal.commit),
        hexToBytes(share),
      ).then(
        () => opened++,
        () => {},
      )
  return opened
}

const refusal = async (promise: Promise<unknown>) => {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(EnclaveRequestError)
  return error as EnclaveRequestError
}

beforeAll(async () => {
  anvil = await startAnvil()
  deployment = await deployStack({
    rpcUrl: anvil.rpcUrl,
    measurement: (await readEnclaveManifest(ENCLAVE_BUILD_DIR)).measurement,
  })
  alice = await startMember(1)
  bob = await startMember(2)
  await stepUntil([alice.node, bob.node], async (statuses) => {
    const chain = await readGroup(publicClient(), { ledger: deployment.contracts.ledger })
    return (
      chain.members.length === 2 &&
      statuses.every((s) => s.holdsEpoch && !s.rekeyNeeded && !s.initKeyRotationDue && s.seq === chain.seq)
    )
  })
  // Alice's statuses lag by Bob's last transaction: bring her to the chain's head.
  await alice.node.step()
}, 120_000)

afterAll(async () => {
  await Promise.all(enclaves.map((e) => e.close().catch(() => {})))
  await anvil?.stop()
})

describe('a lying host', { timeout: 60_000 }, () => {
  it('error: a fabricated initKeyUpdated(victim, hostKey) is refused, so the rekey its enclave builds seals nothing to the host', async () => {
    const hostKey = await deriveX25519(randomBytes(32))
    const before = await alice.enclave.getStatus()
    const victim = before.members.find((m) => !isAddressEqual(m, before.signer!))!
    const { initKey: victimKey } = await publicClient().readContract({
      address: deployment.contracts.ledger,
      abi: ledgerAbi,
      functionName: 'enclaveOf',
      args: [victim],
    })
    // Shaped as the Ledger emits it; the host cannot sign as the victim's enclave, so it signs with a key of its own.
    const payload = encodeAbiParameters(
      [{ type: 'address' }, { type: 'bytes32' }, { type: 'bytes32' }, { type: 'bytes' }],
      [victim, hostKey.publicKey, victimKey, toHex(concatBytes([randomBytes(64), new Uint8Array([27])]))],
    )
    const input = await fabricated(alice.enclave, INPUT_KIND.initKeyUpdated, payload)

    const error = await refusal(alice.enclave.ingest({ inputs: [input] }))
    expect(error.code).toBe(ENCLAVE_ERROR_CODES.rejected)
    expect((await alice.enclave.getStatus()).seq).toBe(before.seq)

    // The rekey the enclave would now post: the victim's share is still sealed to the victim's real key.
    const proposal = await alice.enclave.proposeRekey()
    expect(await sharesOpenedBy(hostKey, proposal, before.members)).toBe(0)
  })

  it('error: a fabricated memberAdded whose quote no certified platform signed gets no share of the rekey its enclave builds', async () => {
    const hostKey = await deriveX25519(randomBytes(32))
    const hostSigner = privateKeyToAddress(toHex(randomBytes(32)))
    const operator = (await createWalletClient({ transport: http(anvil.rpcUrl) }).getAddresses())[3]!
    const anchorHash = (await publicClient().getBlock()).hash
    const measurement = (await bob.enclave.getStatus()).measurement
    // Everything is bound as a real enclave binds it; only the vendor's certificate is beyond the host's reach.
    const binding = sha256(
      hexToBytes(
        encodePacked(
          ['string', 'uint256', 'address', 'address', 'address', 'bytes32', 'bytes32'],
          [
            'anonify/v1 ra',
            BigInt(deployment.chainId),
            deployment.contracts.ledger,
            operator,
            hostSigner,
            hostKey.publicKey,
            anchorHash,
          ],
        ),
      ),
    )
    const impostor = await createSimMachine({ caKey: toHex(randomBytes(32)) })
    const launch = {
      measurement: hexToBytes(measurement),
      signerId: ENCLAVE_SIGNER_ID,
      productId: 1,
      svn: 1,
      debug: false,
    }
    const evidence = await createSimPlatform(impostor).quote(launch, concatBytes([binding, new Uint8Array(32)]))
    const payload = encodeAbiParameters(REGISTRATION_PAYLOAD, [
      hostSigner,
      operator,
      hostKey.publicKey,
      measurement,
      TEE_TYPE_SIM,
      anchorHash,
      toHex(evidence),
    ])
    // Bob's host this time, so this test does not depend on how Alice's enclave met the last one.
    // Accepted as an input (the contract admits what its verifier admits, and replicas must agree on positions),
    // but the member is not admitted in the enclave's view.
    await bob.enclave.ingest({ inputs: [await fabricated(bob.enclave, INPUT_KIND.memberAdded, payload)] })
    const status = await bob.enclave.getStatus()
    expect(status.members.at(-1)).toBe(hostSigner)

    const proposal = await bob.enclave.proposeRekey()
    expect(proposal.shares).toHaveLength(status.members.length)
    expect(await sharesOpenedBy(hostKey, proposal, status.members)).toBe(0)
  })

  it("error: a fabricated rekey whose secret the host chose is refused, for want of the proposer enclave's signature", async () => {
    const before = await alice.enclave.getStatus()
    const read = { address: deployment.contracts.ledger, abi: ledgerAbi } as const
    const [setHash, members] = await Promise.all([
      publicClient().readContract({ ...read, functionName: 'memberSetHash' }),
      publicClient().readContract({ ...read, functionName: 'members' }),
    ])
    // Everything the Ledger would carry, well formed: shares sealed to each member's real init key under the right
    // labels and commitment. Only the proposer enclave's signature is beyond the host's reach.
    const epoch = before.epoch + 1n
    const secret = randomBytes(32)
    const { command, commit } = await deriveEpochKeys(secret, epoch)
    const labels = { chainId: BigInt(deployment.chainId), ledger: deployment.contracts.ledger }
    const shares = await Promise.all(
      members.map(async (member) => {
        const { initKey } = await publicClient().readContract({ ...read, functionName: 'enclaveOf', args: [member] })
        return toHex(await sealTo(initKey, shareInfo(labels, epoch, member), hexToBytes(commit), secret))
      }),
    )
    const proposer = members.find((m) => !isAddressEqual(m, before.signer!))!
    const hostSignature = toHex(concatBytes([randomBytes(64), new Uint8Array([27])]))
    const payload = encodeAbiParameters(REKEY_PAYLOAD, [
      epoch,
      proposer,
      setHash,
      command.publicKey,
      commit,
      shares,
      before.seq,
      hostSignature,
    ])

    const error = await refusal(
      alice.enclave.ingest({ inputs: [await fabricated(alice.enclave, INPUT_KIND.rekey, payload)] }),
    )
    expect(error.code).toBe(ENCLAVE_ERROR_CODES.rejected)
    expect(error.message).toContain(`is not signed by its proposer ${proposer}`)
    const after = await alice.enclave.getStatus()
    expect([after.seq, after.epoch, after.cmdPubKey, after.pendingEpoch]).toEqual([
      before.seq,
      before.epoch,
      before.cmdPubKey,
      undefined,
    ])
  })

  it('error: a fabricated settlement (kind 13) is refused unless it names the rekey the enclave holds pending', async () => {
    const settlement = (epoch: bigint, rekeySeq: bigint) =>
      encodeAbiParameters([{ type: 'uint64' }, { type: 'uint64' }], [epoch, rekeySeq])
    // Alice's enclave: Bob's applied the fabricated memberAdded above and is off the chain.
    const idle = await alice.enclave.getStatus()
    // Nothing pending: a settlement would have the enclave adopt an epoch nobody proposed.
    const none = await refusal(
      alice.enclave.ingest({
        inputs: [await fabricated(alice.enclave, INPUT_KIND.rekeySettled, settlement(idle.epoch + 1n, idle.seq))],
      }),
    )
    expect(none.code).toBe(ENCLAVE_ERROR_CODES.rejected)
    expect(none.message).toContain('that is not pending')

    // A real pending rekey, posted by Alice's enclave and applied by it.
    const accounts = await createWalletClient({ transport: http(anvil.rpcUrl) }).getAddresses()
    const aliceHost = createLedgerClients({
      rpcUrl: anvil.rpcUrl,
      chainId: deployment.chainId,
      account: accounts[1]!,
      pollingIntervalMs: 50,
    })
    await alice.node.step()
    const receipt = await submitRekey(aliceHost, {
      ledger: deployment.contracts.ledger,
      proposal: await alice.enclave.proposeRekey(),
    })
    const [proposed] = parseEventLogs({ abi: ledgerAbi, logs: receipt.logs, eventName: 'RekeyProposed' })
    const { epoch, rekeySeq } = proposed!.args
    const { inputs } = await readInputs(publicClient(), {
      ledger: deployment.contracts.ledger,
      afterSeq: (await alice.enclave.getStatus()).seq,
      fromBlock: BigInt(deployment.deployBlock),
    })
    await alice.enclave.ingest({ inputs })
    const pending = await alice.enclave.getStatus()
    expect([pending.epoch, pending.pendingEpoch]).toEqual([idle.epoch, epoch])

    // Another proposal's settlement, chained on consistently by the host, is refused.
    const other = await refusal(
      alice.enclave.ingest({
        inputs: [await fabricated(alice.enclave, INPUT_KIND.rekeySettled, settlement(epoch, rekeySeq - 1n))],
      }),
    )
    expect(other.message).toContain(`settles a rekey (epoch ${epoch}, input ${rekeySeq - 1n}) that is not pending`)
    // One spliced into the stream where the chain holds another input, with the chain's accumulator there: refused.
    const ledger = deployment.contracts.ledger
    await publicClient().waitForTransactionReceipt({
      hash: await submitBatch(aliceHost.walletClient, { ledger, records: [new Uint8Array(312).fill(7)] }),
    })
    const spliced = await fabricated(alice.enclave, INPUT_KIND.rekeySettled, settlement(epoch, rekeySeq))
    const chainAcc = await publicClient().readContract({
      address: ledger,
      abi: ledgerAbi,
      functionName: 'accumulatorAt',
      args: [spliced.seq],
    })
    const splice = await refusal(alice.enclave.ingest({ inputs: [{ ...spliced, acc: chainAcc }] }))
    expect(splice.message).toContain("does not match the chain's accumulator")
    const after = await alice.enclave.getStatus()
    expect([after.seq, after.epoch, after.pendingEpoch, after.root]).toEqual([
      pending.seq,
      idle.epoch,
      epoch,
      pending.root,
    ])
  })
})
