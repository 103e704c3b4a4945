/** `anonify status`: the group as the chain records it and as this machine's enclave has applied it. */
import { existsSync } from 'node:fs'
import { readDeployment } from '../../host/deployment/deploymentFile'
import { DEFAULT_DEPLOYMENT_PATH, resolveRepoPath } from '../../host/deployment/paths'
import { createLedgerClients } from '../../host/chain/createLedgerClients'
import { readEnclaveView } from '../../host/node/readEnclaveView'
import { describeFinality, readFinalBlock } from '../../host/ledger/readFinalBlock'
import { readGroup } from '../../host/ledger/readGroup'
import { AnonifyError } from '../../host/errors/base'
import { ChainUnreachableError } from '../../host/errors/chain'
import { defineCommand } from '../command'
import { checkpointReport } from './checkpoint'
import { stringOption, urlOption } from './parseOptions'

export const statusCommand = defineCommand({
  usage: ['anonify status [--data DIR] [--deployment FILE] [--rpc URL] [--json]'],
  options: {
    deployment: { type: 'string' },
    rpc: { type: 'string' },
    data: { type: 'string' },
    json: { type: 'boolean' },
  },
  async run(values) {
    const deployment = await readDeployment(resolveRepoPath(stringOption(values.deployment, DEFAULT_DEPLOYMENT_PATH)))
    const rpcUrl = urlOption('rpc', values.rpc) ?? deployment.rpcUrl
    const { publicClient } = createLedgerClients({
      rpcUrl,
      chainId: deployment.chainId,
      account: deployment.contracts.ledger,
    })
    let chainId: number
    let blockNumber: bigint
    let finalBlock: bigint
    try {
      ;[chainId, blockNumber, finalBlock] = await Promise.all([
        publicClient.getChainId(),
        publicClient.getBlockNumber(),
        readFinalBlock(publicClient, deployment.finality),
      ])
    } catch (cause) {
      throw new ChainUnreachableError({ rpcUrl, cause })
    }
    if (chainId !== deployment.chainId)
      throw new AnonifyError(
        `The node at ${rpcUrl} serves chain ${chainId}, but the deployment is on chain ${deployment.chainId}.`,
        {
          metaMessages: ["Point --rpc at the deployment's chain, or pass the right --deployment file."],
        },
      )
    const chain = await readGroup(publicClient, { ledger: deployment.contracts.ledger })
    const dataDir = typeof values.data === 'string' ? resolveRepoPath(values.data) : undefined
    if (dataDir && !existsSync(dataDir))
      throw new AnonifyError(`No node data dir at ${dataDir}.`, {
        metaMessages: ['Pass the --data DIR the node runs with.'],
      })
    // Without --data: a fresh enclave on a throwaway machine still shows what this build measures.
    const view = await readEnclaveView({ deployment, dataDir })

    const checkpoints = await checkpointReport(deployment, rpcUrl, undefined)
    const report = {
      chainId,
      rpcUrl,
      blockNumber: Number(blockNumber),
      // Added beside the fields scripts read: the last block members apply, and the policy that decides it.
      finalBlock: Number(finalBlock),
      finality: deployment.finality,
      contracts: deployment.contracts,
      measurement: view.measurement,
      deploymentMeasurement: deployment.enclave.measurement,
      measurementMatchesDeployment: view.measurement === deployment.enclave.measurement,
      platform: view.platform,
      hardwareProtection: false,
      protocolVersion: view.protocolVersion,
      signer: view.signer ?? null,
      member: view.member,
      epoch: Number(view.bound ? view.epoch : chain.epoch),
      members: view.bound ? view.members : [...chain.members],
      seq: Number(view.seq),
      holdsEpoch: view.holdsEpoch,
      // Joined late (or lost its data dir): no state until it restores from a checkpoint's snapshot.
      restoring: view.restoring,
      // The latest checkpoint the Ledger accepted: its input, block and how many members signed it.
      checkpoint: checkpoints.checkpoint && {
        seq: checkpoints.checkpoint.seq,
        block: checkpoints.checkpoint.block,
        signers: checkpoints.checkpoint.signers,
      },
      pausedAt: checkpoints.pausedAt,
      // A new member this node's enclave seals no share until another operator vouches for it (quorum before release).
      awaitingCheckpoint: view.awaitingCheckpoint
        ? { signer: view.awaitingCheckpoint.signer, addedAt: Number(view.awaitingCheckpoint.addedAt) }
        : null,
      chain: {
        epoch: Number(chain.epoch),
        members: [...chain.members],
        seq: Number(chain.seq),
        cmdPubKey: chain.cmdPubKey,
      },
    }
    if (values.json) {
      console.log(JSON.stringify(report, null, 2))
      return 0
    }
    console.log(
      [
        `Chain         ${report.chainId} at block ${report.blockNumber} (${rpcUrl})`,
        `Final         block ${report.finalBlock} (${describeFinality(deployment.finality)})`,
        `Ledger        ${report.contracts.ledger}`,
        `Group         epoch ${report.chain.epoch}, ${report.chain.members.length} member(s), ${report.chain.seq} input(s)`,
        `Checkpoint    ${report.checkpoint ? `input ${report.checkpoint.seq} (block ${report.checkpoint.block}, ${report.checkpoint.signers} signature(s))` : 'none accepted yet'}${report.pausedAt !== null ? ` — PAUSED over a divergence at input ${report.pausedAt}` : ''}`,
        `Enclave       ${report.measurement} (${report.platform}: NO hardware protection)`,
        `Deployment    ${report.measurementMatchesDeployment ? 'accepts this enclave' : `expects ${report.deploymentMeasurement}`}`,
        ...(dataDir
          ? [
              `Node          ${report.signer ?? 'no identity yet'}: ${report.member ? 'member' : 'not a member'}, epoch ${report.epoch}${report.holdsEpoch ? '' : ' (no key)'}, applied seq ${report.seq}${report.restoring ? ', restoring from checkpoint' : ''}`,
              ...(report.awaitingCheckpoint
                ? [
                    `Waiting       ${report.awaitingCheckpoint.signer} (input ${report.awaitingCheckpoint.addedAt}) gets no share until another operator's member signs a checkpoint covering it`,
                  ]
                : []),
            ]
          : []),
      ].join('\n'),
    )
    return 0
  },
})
