/** `anonify node`: keeps one enclave member running until Ctrl-C; it restarts from its data dir, also after a crash. */
import { readDeployment } from '../../host/deployment/deploymentFile'
import { DEFAULT_DEPLOYMENT_PATH, resolveRepoPath } from '../../host/deployment/paths'
import type { MemberNodeEvent } from '../../host/node/createMemberNode'
import { superviseMember, type SupervisionEvent } from '../../host/node/superviseMember'
import { formatError } from '../../host/errors/formatError'
import { defineCommand } from '../command'
import { operatorAccount } from './operatorAccount'
import { integerOption, InvalidOptionError, stringOption, urlOption } from './parseOptions'
import { untilSignal } from './untilSignal'

export const nodeCommand = defineCommand({
  usage: [
    '[ANONIFY_OPERATOR_KEY=0x…] anonify node --data DIR [--rpc URL] [--deployment FILE] [--operator-account N] [--http-port N] [--peer URL] [--allow-origin URL[,URL…]]',
    "--peer: another member node's API, to co-sign checkpoints there and, joining late, restore from its snapshots.",
    '--allow-origin: web app origins whose pages may read and send through this node (CORS); others are refused.',
  ],
  options: {
    rpc: { type: 'string' },
    deployment: { type: 'string' },
    data: { type: 'string' },
    'operator-account': { type: 'string' },
    'http-port': { type: 'string' },
    peer: { type: 'string' },
    'allow-origin': { type: 'string' },
  },
  async run(values) {
    const deployment = await readDeployment(resolveRepoPath(stringOption(values.deployment, DEFAULT_DEPLOYMENT_PATH)))
    const rpcUrl = urlOption('rpc', values.rpc) ?? deployment.rpcUrl
    const dataDir = resolveRepoPath(stringOption(values.data, '.anonify/node'))
    const account = await operatorAccount(rpcUrl, integerOption('operator-account', values['operator-account'], 0, 255))
    const httpPort = integerOption('http-port', values['http-port'], 0, 65_535) ?? DEFAULT_NODE_PORT
    const member = await superviseMember({
      deployment,
      rpcUrl,
      dataDir,
      account,
      onEvent: logMemberEvent,
      httpPort,
      peerUrl: urlOption('peer', values.peer),
      allowedOrigins: originsOption(values['allow-origin']),
    })
    console.log(
      `Enclave member running from ${dataDir} on chain ${deployment.chainId}; relayer and reads at ${member.url}. Ctrl-C stops it.`,
    )
    try {
      // A member that cannot register (or gave up restarting) ends `done` with the reason, which main prints.
      await untilSignal(member.done)
    } finally {
      await member.stop()
    }
    console.log('Stopped; state sealed.')
    return 0
  },
})

/** `--allow-origin http://a,http://b` as origins (scheme, host and port; a path is refused as a typo). */
function originsOption(value: string | boolean | undefined): Set<string> {
  const origins = new Set<string>()
  if (typeof value !== 'string') return origins
  for (const text of value.split(',')) {
    const url = new URL(urlOption('allow-origin', text.trim())!)
    if (url.pathname !== '/' || url.search || url.hash)
      throw new InvalidOptionError({
        option: 'allow-origin',
        expected: 'an origin such as http://127.0.0.1:5173',
        value: text,
      })
    origins.add(url.origin)
  }
  return origins
}

/** Where a node serves its HTTP API unless told otherwise, and where `anonify wallet` looks first. */
export const DEFAULT_NODE_PORT = 8547

/** One line per member or supervisor event, for the terminal: errors on stderr, the rest on stdout. */
export function logMemberEvent(event: MemberNodeEvent | SupervisionEvent): void {
  if (event.type === 'error' || event.type === 'memberGaveUp') {
    console.error(`member: ${formatError(event.error)}`)
    return
  }
  if (event.type === 'memberCrashed') {
    console.error(
      `member: stopped (${formatError(event.error)}); restarting from its sealed state in ${event.restartInMs} ms`,
    )
    return
  }
  const line = describeMemberEvent(event)
  if (line !== undefined) console.log(`member: ${line}`)
}

function describeMemberEvent(
  event: Exclude<MemberNodeEvent | SupervisionEvent, { type: 'error' | 'memberGaveUp' | 'memberCrashed' }>,
): string | undefined {
  switch (event.type) {
    case 'syncing':
      // Only long catch-ups are worth a line per chunk.
      return event.target - event.seq > 0n ? `catching up, at seq ${event.seq} of ${event.target}` : undefined
    case 'synced':
      return `applied ${event.applied} input(s), at seq ${event.seq}`
    case 'registered':
      return `registered enclave ${event.signer}`
    case 'reattested':
      return `re-attested enclave ${event.signer} until ${new Date(Number(event.expiresAt) * 1000).toISOString()}`
    case 'rekeyed':
      return `proposed epoch ${event.epoch}`
    case 'rekeyAnswered':
      return event.ack
        ? `acknowledged its share of epoch ${event.epoch}`
        : `complained: its share of epoch ${event.epoch} does not open or match`
    case 'rekeySettled':
      return `settled epoch ${event.epoch} on its timeout`
    case 'initKeyRotated':
      return `rotated its init key after epoch ${event.epoch}`
    case 'memberRestarted':
      return `restarted (${event.restarts} restart(s) in the last minute)`
    case 'retrying':
      return `${event.action} failed (${formatError(event.error)}); attempt ${event.attempt + 1} of ${event.attempts} in ${event.delayMs / 1000} s`
    case 'raceLost':
      return `${event.action} lost a race (${event.errorName}); following the chain`
    case 'checkpointSigned':
      return `signed the checkpoint at input ${event.seq}`
    case 'checkpointAccepted':
      return `the Ledger accepted the checkpoint at input ${event.seq} (${event.signers} signatures)`
    case 'divergence':
      return `DIVERGENCE: another member signed a different checkpoint at input ${event.seq}; reported, the Ledger pauses`
    case 'awaitingCheckpoint':
      return `member ${event.signer} (input ${event.addedAt}) gets no share until another operator's member signs the checkpoint at its registration (${event.reason})`
    case 'restoring':
      return `restoring from checkpoint at input ${event.seq}: ${event.stage}`
    case 'restored':
      return `restored from the checkpoint at input ${event.seq}; following the chain`
  }
}
