/**
 * Quorum before release, as the host that fabricates inputs for its own enclave. Simulation's root key is public, so
 * this host can forge evidence the enclave admits (a leaked platform key would do the same on hardware): it folds a
 * registration the chain never held, for a signer and an init key it holds, into Alice's stream. Before this issue
 * Alice's next rekey sealed the epoch secret to that key. Now the made-up member gets nothing until another
 * operator vouches for it, and nothing the host can make up vouches: not its checkpoint signature, not a
 * registration transaction it signs, not a rekey it proposes.
 */
import { randomBytes } from '@noble/hashes/utils.js'
import { encodeAbiParameters, encodeFunctionData, hexToBytes, parseGwei, toHex, type Address, type Hex } from 'viem'
import { generatePrivateKey, privateKeyToAccount, type PrivateKeyAccount } from 'viem/accounts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ledgerAbi } from '../../../contracts/generated/ledger'
import { simEvidence } from '../../../host/enclave/simEvidence'
import { TEE_TYPE_SIM } from '../../../host/ledger/constants'
import { REGISTRATION_PAYLOAD } from '../../envelopes/checkRegistration'
import { CHECKPOINT_INPUT_PARAMETERS, checkpointTypedData } from '../../envelopes/checkpointTypes'
import { sealTo } from '../../envelopes/hpkeSuite'
import { rekeyDigest } from '../../envelopes/rekeyDigest'
import { REKEY_PAYLOAD } from '../../envelopes/rekeyInput'
import { createSimMachine } from '../../platform/sim/createSimPlatform'
import { ENCLAVE_ERROR_CODES, INPUT_KIND } from '../../protocol'
import { deriveX25519, type X25519KeyPair } from './hpke'
import { deriveEpochKeys } from './keySchedule'
import { type LyingHostGroup, refusal, startLyingHostGroup } from './lyingHost.fixture'
import { memberSetHash } from './memberSetHash'
import { shareInfo } from './shareInfo'

let group: LyingHostGroup

/** A member the host made up: it holds the signer key and the init key. */
type Impostor = { signer: PrivateKeyAccount; initKey: X25519KeyPair; operator: Address }
const impostors: Impostor[] = []

beforeAll(async () => {
  group = await startLyingHostGroup()
}, 120_000)

afterAll(async () => group?.stop())

/** Folds a registration of a new impostor of `operator`, with evidence certified by simulation's root key, into Alice's stream. */
async function fabricateRegistration(operator: Address): Promise<Impostor & { seq: bigint }> {
  const { alice, publicClient, ledger } = group
  const impostor = {
    signer: privateKeyToAccount(generatePrivateKey()),
    initKey: await deriveX25519(randomBytes(32)),
    operator,
  }
  const { measurement } = await alice.enclave.getStatus()
  const registration = await simEvidence({
    publicClient,
    machine: await createSimMachine(),
    ledger,
    operator,
    measurement,
    signer: impostor.signer.address,
    initKey: impostor.initKey.publicKey,
  })
  const anchorHash = (await publicClient.getBlock({ blockNumber: registration.anchorBlock })).hash
  const payload = encodeAbiParameters(REGISTRATION_PAYLOAD, [
    impostor.signer.address,
    operator,
    impostor.initKey.publicKey,
    measurement,
    TEE_TYPE_SIM,
    anchorHash,
    registration.evidence,
  ])
  const input = await group.fabricated(alice.enclave, INPUT_KIND.memberAdded, payload)
  await alice.enclave.ingest({ inputs: [input] })
  impostors.push(impostor)
  return { ...impostor, seq: input.seq }
}

/** A register() transaction for `impostor`, signed by `sender` (a key the host holds), as an RPC would return it. */
async function registerTransaction(impostor: Impostor, sender: PrivateKeyAccount): Promise<Hex> {
  const data = encodeFunctionData({
    abi: ledgerAbi,
    functionName: 'register',
    args: [TEE_TYPE_SIM, '0x', impostor.signer.address, impostor.initKey.publicKey, 1n],
  })
  return sender.signTransaction({
    chainId: group.deployment.chainId,
    to: group.ledger,
    data,
    nonce: 0,
    gas: 1_000_000n,
    maxFeePerGas: parseGwei('2'),
    maxPriorityFeePerGas: parseGwei('1'),
    type: 'eip1559',
  })
}

describe('quorum before release, as the host', { timeout: 60_000 }, () => {
  it('attack: a registration it made up with certified evidence is admitted, but Alice seals it no share: her rekey waits for another operator', async () => {
    const impostor = await fabricateRegistration(group.accounts[3]!)
    const status = await group.alice.enclave.getStatus()
    // The evidence passed every check the enclave can make alone: the member is admitted, its share merely withheld.
    expect(status.members.at(-1)).toBe(impostor.signer.address)
    expect(status.awaitingCheckpoint).toEqual({ signer: impostor.signer.address, addedAt: impostor.seq })
    const error = await refusal(group.alice.enclave.proposeRekey())
    expect(error.code).toBe(ENCLAVE_ERROR_CODES.rejected)
    expect(error.message).toContain(`${impostor.signer.address} (added at input ${impostor.seq}) gets no share`)
  })

  it("attack: the checkpoint at that registration, co-signed by the made-up member beside Alice's own signature, vouches for nothing", async () => {
    const { alice, deployment, ledger } = group
    const [impostor] = impostors as [Impostor]
    const { checkpoints } = await alice.enclave.takeCheckpoints()
    // The registration is a checkpoint position: Alice made and signed hers over the host's stream.
    const own = checkpoints.at(-1)!
    const typed = checkpointTypedData(BigInt(deployment.chainId), ledger, own.checkpoint)
    const signatures = [
      { signer: own.signer, signature: own.signature },
      { signer: impostor.signer.address, signature: await impostor.signer.signTypedData(typed) },
    ].sort((x, y) => (BigInt(x.signer) < BigInt(y.signer) ? -1 : 1))
    const payload = encodeAbiParameters(CHECKPOINT_INPUT_PARAMETERS, [
      own.checkpoint,
      signatures.map((s) => s.signer),
      signatures.map((s) => s.signature),
    ])
    await alice.enclave.ingest({ inputs: [await group.fabricated(alice.enclave, INPUT_KIND.checkpoint, payload)] })
    const status = await alice.enclave.getStatus()
    // Taken as an accepted checkpoint (every signature is a member's in Alice's view), yet it vouches for no one:
    // no vouched member of another operator signed it.
    expect(status.acceptedCheckpoint).toMatchObject({ seq: own.checkpoint.seq, signers: 2 })
    expect(status.awaitingCheckpoint?.signer).toBe(impostor.signer.address)
    expect((await refusal(alice.enclave.proposeRekey())).message).toContain('gets no share')
  })

  it('attack: a register() transaction the host signs vouches for nothing: an operator new to the group, or not the named operator', async () => {
    const { alice, accounts } = group
    const [newOperator] = impostors as [Impostor]
    const host = privateKeyToAccount(generatePrivateKey())
    const unknown = await refusal(
      alice.enclave.vouch({
        signer: newOperator.signer.address,
        transaction: await registerTransaction(newOperator, host),
      }),
    )
    expect(unknown.message).toContain(`operator ${newOperator.operator} has had no member this enclave vouched for`)

    // Claiming Bob's operator, which Alice did vouch for: only that operator's wallet could have sent it.
    const bobsOperator = accounts[2]!
    const claimed = await fabricateRegistration(bobsOperator)
    const forged = await refusal(
      alice.enclave.vouch({ signer: claimed.signer.address, transaction: await registerTransaction(claimed, host) }),
    )
    expect(forged.message).toContain(`was not sent by ${claimed.signer.address}'s operator ${bobsOperator}`)
    const junk = await refusal(
      alice.enclave.vouch({ signer: claimed.signer.address, transaction: toHex(randomBytes(120)) }),
    )
    expect(junk.message).toContain('is not a signed register() call to this Ledger')
    expect((await alice.enclave.getStatus()).awaitingCheckpoint?.signer).toBe(newOperator.signer.address)
  })

  it('attack: a rekey from a made-up member, with a secret the host chose, is not adopted, and the enclave then releases no snapshot', async () => {
    const { alice, deployment, ledger, publicClient } = group
    const [proposer] = impostors as [Impostor]
    const before = await alice.enclave.getStatus()
    const initKeyOf = async (signer: Address) =>
      impostors.find((i) => i.signer.address === signer)?.initKey.publicKey ??
      (await publicClient.readContract({ address: ledger, abi: ledgerAbi, functionName: 'enclaveOf', args: [signer] }))
        .initKey
    const members = await Promise.all(
      before.members.map(async (signer) => ({ signer, initKey: await initKeyOf(signer) })),
    )
    // Everything well formed and signed by the proposer's key: shares sealed to every member's init key, Alice's real
    // one included, so her share would open.
    const epoch = before.epoch + 1n
    const secret = randomBytes(32)
    const { command, commit } = await deriveEpochKeys(secret, epoch)
    const labels = { chainId: BigInt(deployment.chainId), ledger }
    const shares = await Promise.all(
      members.map(async (m) =>
        toHex(await sealTo(m.initKey, shareInfo(labels, epoch, m.signer), hexToBytes(commit), secret)),
      ),
    )
    const setHash = memberSetHash({ members })
    const digest = rekeyDigest({
      ...labels,
      epoch,
      atSeq: before.seq,
      setHash,
      cmdPubKey: command.publicKey,
      commit,
      shares,
    })
    const signature = await proposer.signer.sign({ hash: digest })
    const payload = encodeAbiParameters(REKEY_PAYLOAD, [
      epoch,
      proposer.signer.address,
      setHash,
      command.publicKey,
      commit,
      shares,
      before.seq,
      signature,
    ])
    const rekey = await group.fabricated(alice.enclave, INPUT_KIND.rekey, payload)
    await alice.enclave.ingest({ inputs: [rekey] })
    const pending = await alice.enclave.getStatus()
    expect(pending.pendingEpoch).toBe(epoch)
    expect(pending.lastRekeyRefusal).toContain(
      "the proposer's registration is not yet covered by another operator's checkpoint",
    )

    // The host settles it: Alice follows the stream to the made-up epoch but holds no secret of it, so she vouches for
    // nothing and makes no checkpoint, hence no snapshot under a key the host knows.
    const settlement = encodeAbiParameters([{ type: 'uint64' }, { type: 'uint64' }], [epoch, rekey.seq])
    await alice.enclave.takeCheckpoints()
    await alice.enclave.ingest({ inputs: [await group.fabricated(alice.enclave, INPUT_KIND.rekeySettled, settlement)] })
    const after = await alice.enclave.getStatus()
    expect([after.epoch, after.holdsEpoch, after.restoring]).toEqual([epoch, false, true])
    expect((await alice.enclave.takeCheckpoints()).checkpoints).toEqual([])
  })
})
