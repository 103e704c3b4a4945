/**
 * Gas of accepted checkpoints on a fresh local chain, by how many member signatures they carry: 2 (a group of 3,
 * majority 2) and 5 (a group of 9, majority 5). Members are registered with sim evidence for signer keys the bench
 * holds, so it signs as each of them; they belong to two operators, as the Ledger requires of a majority.
 */
import { keccak256, toHex, type Hex } from 'viem'
import { privateKeyToAccount, type PrivateKeyAccount } from 'viem/accounts'
import { ledgerAbi } from '../../contracts/generated/ledger'
import { type Checkpoint, checkpointTypedData } from '../../enclave-wasm/envelopes/checkpointTypes'
import { createSimMachine } from '../../enclave-wasm/platform/sim/createSimPlatform'
import { unlockedAccountClients } from '../chain/createLedgerClients'
import { startAnvil } from '../chain/startAnvil'
import { deployStack } from '../deployment/deployStack'
import { simEvidence } from '../enclave/simEvidence'
import { registerEnclave } from '../ledger/registerEnclave'
import { submitCheckpoint } from '../ledger/submitCheckpoint'

/** `checkpoint2`: one accepted checkpoint with 2 signatures (3 members); `checkpoint5`: with 5 (9 members). */
export type CheckpointGas = { checkpoint2: number; checkpoint5: number }

const ZERO: Hex = `0x${'00'.repeat(32)}`

/** Grows a group to 3 and then 9 members on a private anvil and reads the gas of a majority-signed checkpoint at each. */
export async function measureCheckpointGas({ measurement }: { measurement: Hex }): Promise<CheckpointGas> {
  const anvil = await startAnvil()
  try {
    const deployment = await deployStack({ rpcUrl: anvil.rpcUrl, measurement })
    const ledger = deployment.contracts.ledger
    const clientsOf = await unlockedAccountClients(anvil.rpcUrl, deployment.chainId)
    const { publicClient } = clientsOf(0)
    const machine = await createSimMachine()
    const members: PrivateKeyAccount[] = []

    /** Registers members until there are `count`, alternating between operators 1 and 2. */
    const growTo = async (count: number) => {
      while (members.length < count) {
        const member = privateKeyToAccount(keccak256(toHex(`anonify bench member ${members.length}`)))
        const operator = 1 + (members.length % 2)
        const registration = await simEvidence({
          publicClient,
          machine,
          ledger,
          operator: clientsOf(operator).walletClient.account.address,
          measurement,
          signer: member.address,
          initKey: keccak256(toHex(`init ${member.address}`)),
        })
        await registerEnclave(clientsOf(operator), registration)
        members.push(member)
      }
    }
    /** Gas of a checkpoint of the stream as it stands, signed by the first `signers` members (both operators). */
    const checkpointGas = async (signers: number) => {
      const seq = await publicClient.readContract({ address: ledger, abi: ledgerAbi, functionName: 'seq' })
      const acc = await publicClient.readContract({
        address: ledger,
        abi: ledgerAbi,
        functionName: 'accumulatorAt',
        args: [seq],
      })
      const checkpoint: Checkpoint = {
        seq,
        acc,
        stateRoot: keccak256(toHex(`bench state ${seq}`)),
        snapshotHash: keccak256(toHex(`bench snapshot ${seq}`)),
        withdrawalRoot: ZERO,
        auditRoot: ZERO,
      }
      const typedData = checkpointTypedData(BigInt(deployment.chainId), ledger, checkpoint)
      const signatures = await Promise.all(
        members
          .slice(0, signers)
          .map(async (m) => ({ signer: m.address, signature: await m.signTypedData(typedData) })),
      )
      return Number((await submitCheckpoint(clientsOf(5), { ledger, checkpoint, signatures })).gasUsed)
    }

    await growTo(3)
    const checkpoint2 = await checkpointGas(2)
    await growTo(9)
    return { checkpoint2, checkpoint5: await checkpointGas(5) }
  } finally {
    await anvil.stop()
  }
}
