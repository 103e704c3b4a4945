/**
 * The host chooses what its enclave sees. Here a host plays the liar against its own member enclave: it fabricates
 * Ledger inputs the chain never held, with an accumulator chain it recomputed itself (the enclave has no light client
 * to tell), and tries to get the epoch secret sealed to a key it holds, or its enclave to adopt a rekey whose secret the
 * host chose. The enclave refuses what the Ledger could never have emitted, so the rekey it builds afterwards gives the
 * host nothing. (Evidence the host can forge is quorumBeforeRelease.test.ts.)
 */
import { sha256 } from '@noble/hashes/sha2.js'
import { randomBytes } from '@noble/hashes/utils.js'
import {
  concatBytes,
  createWalletClient,
  encodeAbiParameters,
  encodePacked,
  hexToBytes,
  http,
  isAddressEqual,
  parseEventLogs,
  toHex,
} from 'viem'
import { privateKeyToAddress } from 'viem/accounts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ledgerAbi } from '../../../contracts/generated/ledger'
import { createLedgerClients } from '../../../host/chain/createLedgerClients'
import { TEE_TYPE_SIM } from '../../../host/ledger/constants'
import { readInputs } from '../../../host/ledger/readInputs'
import { submitBatch } from '../../../host/ledger/submitBatch'
import { submitRekey } from '../../../host/ledger/submitRekey'
import { REGISTRATION_PAYLOAD } from '../../envelopes/checkRegistration'
import { sealTo } from '../../envelopes/hpkeSuite'
import { REKEY_PAYLOAD } from '../../envelopes/rekeyInput'
import { ENCLAVE_SIGNER_ID } from '../../platform/launchEnclave'
import { createSimMachine, createSimPlatform } from '../../platform/sim/createSimPlatform'
import { ENCLAVE_ERROR_CODES, INPUT_KIND } from '../../protocol'
import { deriveX25519 } from './hpke'
import { deriveEpochKeys } from './keySchedule'
import { type LyingHostGroup, type LyingHostMember, refusal, startLyingHostGroup } from './lyingHost.fixture'
import { shareInfo } from './shareInfo'

let group: LyingHostGroup
let deployment: LyingHostGroup['deployment']
let alice: LyingHostMember
let bob: LyingHostMember

const publicClient = () => group.publicClient
const fabricated = (...args: Parameters<LyingHostGroup['fabricated']>) => group.fabricated(...args)
const sharesOpenedBy = (...args: Parameters<LyingHostGroup['sharesOpenedBy']>) => group.sharesOpenedBy(...args)

beforeAll(async () => {
  group = await startLyingHostGroup()
  ;({ deployment, alice, bob } = group)
}, 120_000)

afterAll(async () => group?.stop())

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
    const operator = (await createWalletClient({ transport: http(group.anvil.rpcUrl) }).getAddresses())[3]!
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
    const accounts = await createWalletClient({ transport: http(group.anvil.rpcUrl) }).getAddresses()
    const aliceHost = createLedgerClients({
      rpcUrl: group.anvil.rpcUrl,
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
