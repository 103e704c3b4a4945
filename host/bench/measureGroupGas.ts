/**
 * Gas of the trust machinery on a fresh local chain: one enclave registration, one rekey that seals the epoch secret
 * to three members, the ack that settles it, and the settlement on timeout of a rekey the other two never answer.
 * Real enclaves on simulated machines produce every transaction.
 */
import { createWalletClient, http, toHex, type Hash, type Hex } from 'viem'
import { ledgerAbi } from '../../contracts/generated/ledger'
import { decodeRekeyInput } from '../../enclave-wasm/envelopes/rekeyInput'
import { INPUT_KIND } from '../../enclave-wasm/protocol'
import { createSimMachine } from '../../enclave-wasm/platform/sim/createSimPlatform'
import { createLedgerClients } from '../chain/createLedgerClients'
import { startAnvil } from '../chain/startAnvil'
import { deployStack } from '../deployment/deployStack'
import { requestRekey } from '../ledger/governance'
import { startNodeEnclave } from '../enclave/startNodeEnclave'
import { createMemberNode } from '../node/createMemberNode'
import { stepUntil } from '../node/stepUntil'
import { memoryStore } from '../storage/sealedStateStore'

/**
 * `rekey3` proposes (pending); `ack3` is the answer that settles it (with three members, the first ack);
 * `rekeySettle` is settleRekey once the timeout passed, for a rekey only its proposer answered.
 */
export type GroupGas = { register: number; rekey3: number; ack3: number; rekeySettle: number }

/** Runs three members to a shared epoch on a private anvil and reads the gas their transactions used. */
export async function measureGroupGas({ measurement }: { measurement: Hex }): Promise<GroupGas> {
  const anvil = await startAnvil()
  const enclaves: { close: () => Promise<void> }[] = []
  try {
    const deployment = await deployStack({ rpcUrl: anvil.rpcUrl, measurement })
    const accounts = await createWalletClient({ transport: http(anvil.rpcUrl) }).getAddresses()
    const nodes = []
    for (const account of accounts.slice(1, 4)) {
      const { client } = await startNodeEnclave({ machine: await createSimMachine() })
      enclaves.push(client)
      const clients = createLedgerClients({
        rpcUrl: anvil.rpcUrl,
        chainId: deployment.chainId,
        account,
        pollingIntervalMs: 50,
      })
      const node = createMemberNode({ enclave: client, clients, deployment, store: memoryStore() })
      await node.bind()
      nodes.push(node)
    }
    await stepUntil(nodes, (statuses) =>
      statuses.every((s) => s.members.length === 3 && s.holdsEpoch && !s.rekeyNeeded),
    )

    const governor = createLedgerClients({
      rpcUrl: anvil.rpcUrl,
      chainId: deployment.chainId,
      account: accounts[0]!,
    })
    const { publicClient } = governor
    // Two members away: the first proposes the requested rekey, nobody acks, and it settles on its timeout.
    const ledger = deployment.contracts.ledger
    await requestRekey(governor, { ledger })
    const [first] = nodes
    await stepUntil([first!], (statuses) => statuses.every((s) => s.pendingEpoch !== undefined))
    const timeout = await publicClient.readContract({
      address: ledger,
      abi: ledgerAbi,
      functionName: 'rekeyTimeoutBlocks',
    })
    await publicClient.request({ method: 'anvil_mine' as never, params: [toHex(timeout)] as never })
    await stepUntil([first!], (statuses) => statuses.every((s) => s.pendingEpoch === undefined))

    const logs = await publicClient.getContractEvents({
      address: deployment.contracts.ledger,
      abi: ledgerAbi,
      eventName: 'InputAppended',
      fromBlock: BigInt(deployment.deployBlock),
      strict: true,
    })
    const gasOf = async (hash: Hash) => Number((await publicClient.getTransactionReceipt({ hash })).gasUsed)
    const registration = logs.find((log) => log.args.kind === INPUT_KIND.memberAdded)!
    const rekey3 = logs.find(
      (log) => log.args.kind === INPUT_KIND.rekey && decodeRekeyInput(log.args.payload).shares.length === 3,
    )!
    const ack3 = logs.find((log) => log.args.kind === INPUT_KIND.rekeyAck && log.args.seq > rekey3.args.seq)!
    const settled = logs.find((log) => log.args.kind === INPUT_KIND.rekeySettled)!
    return {
      register: await gasOf(registration.transactionHash),
      rekey3: await gasOf(rekey3.transactionHash),
      ack3: await gasOf(ack3.transactionHash),
      rekeySettle: await gasOf(settled.transactionHash),
    }
  } finally {
    await Promise.all(enclaves.map((e) => e.close()))
    await anvil.stop()
  }
}
