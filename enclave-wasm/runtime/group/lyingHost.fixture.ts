/**
 * A real two-member group on anvil and the tools of a host that lies to its own enclave: inputs it makes up, chained
 * onto the chain's accumulator exactly as the Ledger would chain them (the enclave has no light client to tell), and
 * a check of which shares a key it holds can open. Shared by the lying-host and quorum-before-release tests.
 */
import { createPublicClient, createWalletClient, hexToBytes, http, type Address, type Hex } from 'viem'
import { expect } from 'vitest'
import { ledgerAbi } from '../../../contracts/generated/ledger'
import { unlockedAccountClients } from '../../../host/chain/createLedgerClients'
import { startAnvil } from '../../../host/chain/startAnvil'
import { deployStack } from '../../../host/deployment/deployStack'
import type { EnclaveClient } from '../../../host/enclave/createEnclaveClient'
import { startNodeEnclave } from '../../../host/enclave/startNodeEnclave'
import { EnclaveRequestError } from '../../../host/errors/enclave'
import { readGroup } from '../../../host/ledger/readGroup'
import { createMemberNode, type MemberNode } from '../../../host/node/createMemberNode'
import { stepUntil } from '../../../host/node/stepUntil'
import { memoryStore } from '../../../host/storage/sealedStateStore'
import { nextAccumulator } from '../../envelopes/inputAccumulator'
import { ENCLAVE_BUILD_DIR } from '../../platform/launchNodeEnclave'
import { readEnclaveManifest } from '../../platform/manifest'
import { createSimMachine } from '../../platform/sim/createSimPlatform'
import type { LedgerInput, RekeyProposal } from '../../protocol'
import { openWith, type X25519KeyPair } from './hpke'
import { shareInfo } from './shareInfo'

export type LyingHostMember = { node: MemberNode; enclave: EnclaveClient }
export type LyingHostGroup = Awaited<ReturnType<typeof startLyingHostGroup>>

/** Starts anvil, deploys, and keys alice (operator account 1) and bob (account 2) into the group's first epoch. */
export async function startLyingHostGroup() {
  const anvil = await startAnvil()
  const deployment = await deployStack({
    rpcUrl: anvil.rpcUrl,
    measurement: (await readEnclaveManifest(ENCLAVE_BUILD_DIR)).measurement,
  })
  const ledger = deployment.contracts.ledger
  const publicClient = createPublicClient({ transport: http(anvil.rpcUrl) })
  const accounts = await createWalletClient({ transport: http(anvil.rpcUrl) }).getAddresses()
  const enclaves: EnclaveClient[] = []
  const clientsOf = await unlockedAccountClients(anvil.rpcUrl, deployment.chainId)

  async function startMember(accountIndex: number): Promise<LyingHostMember> {
    const { client: enclave } = await startNodeEnclave({ machine: await createSimMachine() })
    enclaves.push(enclave)
    const node = createMemberNode({ enclave, clients: clientsOf(accountIndex), deployment, store: memoryStore() })
    await node.bind()
    return { node, enclave }
  }

  /** The last input the host made up for each enclave: the next one chains onto it. */
  const madeUp = new Map<EnclaveClient, LedgerInput>()

  /** The lying host's input: `kind` with `payload`, numbered and chained onto what the enclave has applied. */
  async function fabricated(enclave: EnclaveClient, kind: number, payload: Hex): Promise<LedgerInput> {
    const { seq } = await enclave.getStatus()
    const last = madeUp.get(enclave)
    const chainSeq = await publicClient.readContract({ address: ledger, abi: ledgerAbi, functionName: 'seq' })
    // The host folds its own input onto the chain's accumulator, exactly as the Ledger would; onto the one it made up
    // last where its enclave has gone past the chain on made-up inputs.
    const previous =
      seq > chainSeq && last?.seq === seq
        ? last.acc
        : await publicClient.readContract({
            address: ledger,
            abi: ledgerAbi,
            functionName: 'accumulatorAt',
            args: [seq],
          })
    const next = seq + 1n
    const input = { seq: next, kind, payload: hexToBytes(payload), acc: nextAccumulator(previous, next, kind, payload) }
    madeUp.set(enclave, input)
    return input
  }

  /** How many shares of `proposal` open with the host's key, under any member's label. */
  async function sharesOpenedBy(hostKey: X25519KeyPair, proposal: RekeyProposal, members: readonly Address[]) {
    const labels = { chainId: BigInt(deployment.chainId), ledger }
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

  const alice = await startMember(1)
  const bob = await startMember(2)
  await stepUntil([alice.node, bob.node], async (statuses) => {
    const chain = await readGroup(publicClient, { ledger })
    return (
      chain.members.length === 2 &&
      statuses.every((s) => s.holdsEpoch && !s.rekeyNeeded && !s.initKeyRotationDue && s.seq === chain.seq)
    )
  })
  // Alice's statuses lag by Bob's last transaction: bring her to the chain's head.
  await alice.node.step()

  return {
    anvil,
    deployment,
    ledger,
    publicClient,
    accounts,
    clientsOf,
    alice,
    bob,
    fabricated,
    sharesOpenedBy,
    stop: async () => {
      await Promise.all(enclaves.map((e) => e.close().catch(() => {})))
      await anvil.stop()
    },
  }
}

/** Awaits `promise`, expects the enclave to refuse it, and returns the refusal. */
export async function refusal(promise: Promise<unknown>): Promise<EnclaveRequestError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(EnclaveRequestError)
  return error as EnclaveRequestError
}
