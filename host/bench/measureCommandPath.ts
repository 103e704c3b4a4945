/**
 * The sealed command path on a private anvil with two real replicas: gas per confidential transfer at several batch
 * sizes, the enclave's apply rate, and the latency from submission to visible on both replicas.
 */
import { createWalletClient, http, keccak256, toHex, type Hex } from 'viem'
import { privateKeyToAccount, type PrivateKeyAccount } from 'viem/accounts'
import type { CoreCommand } from '../../enclave-wasm/envelopes/coreCommands'
import { createSimMachine } from '../../enclave-wasm/platform/sim/createSimPlatform'
import { createLedgerClients } from '../chain/createLedgerClients'
import { startAnvil } from '../chain/startAnvil'
import { deployStack } from '../deployment/deployStack'
import type { EnclaveClient } from '../enclave/createEnclaveClient'
import { startNodeEnclave } from '../enclave/startNodeEnclave'
import { readAccount } from '../envelopes/readAccount'
import { sealCommand } from '../envelopes/sealCommand'
import { readGroup } from '../ledger/readGroup'
import { readInputs } from '../ledger/readInputs'
import { submitBatch } from '../ledger/submitBatch'
import { createMemberNode, type MemberNode } from '../node/createMemberNode'
import { stepUntil } from '../node/stepUntil'
import { memoryStore } from '../storage/sealedStateStore'

export type CommandPathMeasures = {
  gasPerTransfer: { batch1: number; batch16: number; batch128: number }
  /** Commands applied per second by one enclave (records opened, signatures recovered, core applied). */
  applyRate: { sealed: number; session: number | null }
  latency_ms: { p50: number; p95: number }
}

const BATCH_SIZES = [1, 16, 128] as const
const LATENCY_SAMPLES = 20

/** Runs the measurement; `onProgress` receives one line per phase. */
export async function measureCommandPath({ measurement, onProgress }: { measurement: Hex; onProgress?: (line: string) => void }): Promise<CommandPathMeasures> {
  const anvil = await startAnvil()
  const enclaves: EnclaveClient[] = []
  try {
    const deployment = await deployStack({ rpcUrl: anvil.rpcUrl, measurement })
    const accounts = await createWalletClient({ transport: http(anvil.rpcUrl) }).getAddresses()
    const clientsOf = (index: number) =>
      createLedgerClients({ rpcUrl: anvil.rpcUrl, chainId: deployment.chainId, account: accounts[index]!, pollingIntervalMs: 20 })
    const nodes: MemberNode[] = []
    for (const index of [1, 2]) {
      const { client } = await startNodeEnclave({ machine: await createSimMachine() })
      enclaves.push(client)
      const node = createMemberNode({ enclave: client, clients: clientsOf(index), deployment, store: memoryStore() })
      await node.bind()
      nodes.push(node)
    }
    await stepUntil(nodes, (s) => s.every((x) => x.members.length === 2 && x.holdsEpoch && !x.rekeyNeeded && !x.initKeyRotationDue))

    const relayer = clientsOf(5)
    const ledger = deployment.contracts.ledger
    const { epoch, cmdPubKey } = await readGroup(relayer.publicClient, { ledger })
    const nonces = new Map<string, bigint>()
    const seal = async (from: PrivateKeyAccount, command: CoreCommand) => {
      const nonce = nonces.get(from.address) ?? 0n
      nonces.set(from.address, nonce + 1n)
      return sealCommand({
        chainId: BigInt(deployment.chainId),
        ledger,
        epoch: Number(epoch),
        cmdPubKey,
        account: from.address,
        nonce,
        deadlineBlock: 1_000_000n,
        command,
        signTypedData: (typedData) => from.signTypedData(typedData),
      })
    }
    const post = async (records: Uint8Array[]) => {
      const hash = await submitBatch(relayer.walletClient, { ledger, records })
      return relayer.publicClient.waitForTransactionReceipt({ hash })
    }
    const syncAll = async () => {
      const { seq } = await readGroup(relayer.publicClient, { ledger })
      await stepUntil(nodes, (s) => s.every((x) => x.seq === seq))
    }

    const issuer = privateKeyToAccount(keccak256(toHex('bench issuer')))
    const payers = Array.from({ length: 128 }, (_, i) => privateKeyToAccount(keccak256(toHex(`bench payer ${i}`))))
    const payee = privateKeyToAccount(keccak256(toHex('bench payee')))
    await post([await seal(issuer, { op: 'init' })])
    for (let i = 0; i < payers.length; i += 64)
      await post(await Promise.all(payers.slice(i, i + 64).map((p) => seal(issuer, { op: 'mint', to: p.address, amount: 1_000_000n }))))
    await syncAll()

    onProgress?.('bench: gas per confidential transfer at batch sizes 1, 16, 128…')
    const gas: number[] = []
    let applied = 0
    let applyMs = 0
    for (const size of BATCH_SIZES) {
      const records = await Promise.all(payers.slice(0, size).map((p) => seal(p, { op: 'transfer', to: payee.address, amount: 1n })))
      const receipt = await post(records)
      gas.push(Math.round(Number(receipt.gasUsed) / size))
      // Apply rate: one enclave ingesting the batch (open, recover the signature, apply), timed around the ECALL.
      const { seq } = await enclaves[0]!.getStatus()
      const { inputs } = await readInputs(relayer.publicClient, { ledger, afterSeq: seq, fromBlock: BigInt(deployment.deployBlock) })
      const started = performance.now()
      await enclaves[0]!.ingest({ inputs })
      applyMs += performance.now() - started
      applied += size
      await syncAll()
    }

    onProgress?.(`bench: latency from submission to visible on both replicas (${LATENCY_SAMPLES} transfers)…`)
    const latencies: number[] = []
    const payer = payers[0]!
    for (let i = 0; i < LATENCY_SAMPLES; i++) {
      const record = await seal(payer, { op: 'transfer', to: payee.address, amount: 1n })
      const started = performance.now()
      await post([record])
      await syncAll()
      await Promise.all(
        enclaves.map((enclave) =>
          readAccount(enclave, {
            chainId: BigInt(deployment.chainId),
            ledger,
            account: payer.address,
            signTypedData: (typedData) => payer.signTypedData(typedData),
          }),
        ),
      )
      latencies.push(performance.now() - started)
    }
    latencies.sort((a, b) => a - b)
    return {
      gasPerTransfer: { batch1: gas[0]!, batch16: gas[1]!, batch128: gas[2]! },
      applyRate: { sealed: Math.round((applied / applyMs) * 1000), session: null },
      latency_ms: { p50: Math.round(latencies[Math.floor(LATENCY_SAMPLES / 2)]!), p95: Math.round(latencies[Math.floor(LATENCY_SAMPLES * 0.95)]!) },
    }
  } finally {
    await Promise.all(enclaves.map((e) => e.close()))
    await anvil.stop()
  }
}
