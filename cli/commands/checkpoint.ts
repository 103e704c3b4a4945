/**
 * `anonify checkpoint`: the group's agreed states. `status` shows the latest checkpoint the Ledger accepted and where
 * this node's enclave stands (restoring, its own latest, a divergence, a pause); `propose` asks every member to
 * checkpoint now (an operator of an active member, or governance), and the members sign and submit it.
 */
import { existsSync } from 'node:fs'
import type { Address } from 'viem'
import { createLedgerClients } from '../../host/chain/createLedgerClients'
import { readDeployment } from '../../host/deployment/deploymentFile'
import { DEFAULT_DEPLOYMENT_PATH, resolveRepoPath } from '../../host/deployment/paths'
import type { Deployment } from '../../host/deployment/parseDeployment'
import { AnonifyError } from '../../host/errors/base'
import { readLatestCheckpoint, requestCheckpoint, type AcceptedCheckpoint } from '../../host/ledger/checkpoints'
import { readLedgerPause } from '../../host/ledger/readLedgerPause'
import { readEnclaveView } from '../../host/node/readEnclaveView'
import { defineCommand } from '../command'
import { operatorAccount } from './operatorAccount'
import { integerOption, stringOption, urlOption } from './parseOptions'

const ACTIONS = ['status', 'propose'] as const
type Action = (typeof ACTIONS)[number]

export const checkpointCommand = defineCommand({
  usage: [
    'anonify checkpoint status [--data DIR] [--deployment FILE] [--rpc URL] [--json]',
    '[ANONIFY_OPERATOR_KEY=0x…] anonify checkpoint propose [--operator-account N] [--deployment FILE] [--rpc URL] [--json]',
  ],
  positionals: true,
  options: {
    data: { type: 'string' },
    deployment: { type: 'string' },
    rpc: { type: 'string' },
    'operator-account': { type: 'string' },
    json: { type: 'boolean' },
  },
  async run(values, positionals) {
    const action = positionals[0] as Action | undefined
    if (!action || !ACTIONS.includes(action) || positionals.length > 1)
      throw new AnonifyError(`anonify checkpoint needs one action: ${ACTIONS.join(', ')}.`, {
        metaMessages: ['Example: anonify checkpoint status --data .anonify/node'],
      })
    const deployment = await readDeployment(resolveRepoPath(stringOption(values.deployment, DEFAULT_DEPLOYMENT_PATH)))
    const rpcUrl = urlOption('rpc', values.rpc) ?? deployment.rpcUrl
    const print = (json: unknown, text: string) => console.log(values.json ? JSON.stringify(json, null, 2) : text)
    if (action === 'propose') {
      const account = await operatorAccount(
        rpcUrl,
        integerOption('operator-account', values['operator-account'], 0, 255),
      )
      const clients = createLedgerClients({ rpcUrl, chainId: deployment.chainId, account })
      const { seq, receipt } = await requestCheckpoint(clients, { ledger: deployment.contracts.ledger })
      print(
        { requested: true, seq: Number(seq), block: Number(receipt.blockNumber) },
        `Asked the members to checkpoint at input ${seq}; they sign it as they apply it, and a node submits it once a majority has (see anonify checkpoint status).`,
      )
      return 0
    }
    const report = await checkpointReport(deployment, rpcUrl, values.data)
    print(report, describeReport(report))
    return 0
  },
})

type CheckpointReport = {
  checkpoint: { seq: number; block: number; signers: number; signerAddresses: Address[]; stateRoot: string } | null
  paused: boolean
  pausedAt: number | null
  node: {
    restoring: boolean
    seq: number
    ownCheckpoint: { seq: number; stateRoot: string } | null
    divergedAt: number | null
  } | null
}

/** The Ledger's latest accepted checkpoint (as `anonify status --json` reports it) and, with --data, the node's view. */
export async function checkpointReport(
  deployment: Deployment,
  rpcUrl: string,
  data: string | boolean | undefined,
): Promise<CheckpointReport> {
  const { publicClient } = createLedgerClients({
    rpcUrl,
    chainId: deployment.chainId,
    account: deployment.contracts.ledger,
  })
  const ledger = deployment.contracts.ledger
  const [latest, pause] = await Promise.all([
    readLatestCheckpoint(publicClient, { ledger, fromBlock: BigInt(deployment.deployBlock) }),
    readLedgerPause(publicClient, { ledger }),
  ])
  const dataDir = typeof data === 'string' ? resolveRepoPath(data) : undefined
  if (dataDir && !existsSync(dataDir))
    throw new AnonifyError(`No node data dir at ${dataDir}.`, {
      metaMessages: ['Pass the --data DIR the node runs with.'],
    })
  const view = dataDir ? await readEnclaveView({ deployment, dataDir }) : undefined
  return {
    checkpoint: latest ? checkpointFields(latest) : null,
    paused: pause.paused,
    pausedAt: pause.paused ? Number(pause.seq) : null,
    node: view
      ? {
          restoring: view.restoring,
          seq: Number(view.seq),
          ownCheckpoint: view.checkpoint
            ? { seq: Number(view.checkpoint.seq), stateRoot: view.checkpoint.stateRoot }
            : null,
          divergedAt: view.divergedAt === undefined ? null : Number(view.divergedAt),
        }
      : null,
  }
}

const checkpointFields = (latest: AcceptedCheckpoint) => ({
  seq: Number(latest.seq),
  block: Number(latest.block),
  signers: latest.signers.length,
  signerAddresses: latest.signers,
  stateRoot: latest.stateRoot,
})

function describeReport(report: CheckpointReport): string {
  const { checkpoint, node } = report
  return [
    checkpoint
      ? `Accepted      input ${checkpoint.seq} at block ${checkpoint.block}, signed by ${checkpoint.signers} member(s)`
      : 'Accepted      none yet',
    report.paused
      ? `PAUSED        a divergence at input ${report.pausedAt}: no commands until governance resumes`
      : 'Intake        open',
    ...(node
      ? [
          node.restoring
            ? `Node          restoring from checkpoint at input ${node.seq}: no state until it restores`
            : `Node          at input ${node.seq}; its latest checkpoint ${node.ownCheckpoint ? `at input ${node.ownCheckpoint.seq}` : 'none yet'}`,
          ...(node.divergedAt !== null
            ? [`DIVERGED      its state at input ${node.divergedAt} differs from the accepted checkpoint`]
            : []),
        ]
      : []),
  ].join('\n')
}
