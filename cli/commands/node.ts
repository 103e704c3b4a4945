/** `anonify node`: keeps one enclave member running until Ctrl-C; it restarts from its data dir. */
import { readDeployment } from '../../host/deployment/deploymentFile'
import { DEFAULT_DEPLOYMENT_PATH, resolveRepoPath } from '../../host/deployment/paths'
import type { MemberNodeEvent } from '../../host/node/createMemberNode'
import { startHeadlessMember } from '../../host/node/startHeadlessMember'
import { formatError } from '../../host/errors/formatError'
import { defineCommand } from '../command'
import { operatorAccount } from './operatorAccount'
import { integerOption, stringOption, urlOption } from './parseOptions'
import { untilSignal } from './untilSignal'

export const nodeCommand = defineCommand({
  name: 'node',
  summary: 'Run one enclave member: register, follow the chain, take part in rekeys, restart from --data',
  usage: ['[ANONIFY_OPERATOR_KEY=0x…] anonify node --data DIR [--rpc URL] [--deployment FILE] [--operator-account N] [--http-port N]'],
  options: {
    rpc: { type: 'string' },
    deployment: { type: 'string' },
    data: { type: 'string' },
    'operator-account': { type: 'string' },
    'http-port': { type: 'string' },
  },
  async run(values) {
    const deployment = await readDeployment(resolveRepoPath(stringOption(values.deployment, DEFAULT_DEPLOYMENT_PATH)))
    const rpcUrl = urlOption('rpc', values.rpc) ?? deployment.rpcUrl
    const dataDir = resolveRepoPath(stringOption(values.data, '.anonify/node'))
    const account = await operatorAccount(rpcUrl, integerOption('operator-account', values['operator-account'], 0, 255))
    const httpPort = integerOption('http-port', values['http-port'], 0, 65_535) ?? DEFAULT_NODE_PORT
    const member = await startHeadlessMember({ deployment, rpcUrl, dataDir, account, onEvent: logMemberEvent, httpPort })
    console.log(`Enclave member running from ${dataDir} on chain ${deployment.chainId}; relayer and reads at ${member.url}. Ctrl-C stops it.`)
    try {
      // A member that cannot register ends `done` with the reason, which main prints.
      await untilSignal(member.done)
    } finally {
      await member.stop()
    }
    console.log('Stopped; state sealed.')
    return 0
  },
})

/** Where a node serves its HTTP API unless told otherwise, and where `anonify wallet` looks first. */
export const DEFAULT_NODE_PORT = 8547

/** One line per member event, for the terminal. */
export function logMemberEvent(event: MemberNodeEvent): void {
  switch (event.type) {
    case 'syncing':
      // Only long catch-ups are worth a line per chunk.
      return event.target - event.seq > 0n ? console.log(`member: catching up, at seq ${event.seq} of ${event.target}`) : undefined
    case 'synced':
      return console.log(`member: applied ${event.applied} input(s), at seq ${event.seq}`)
    case 'registered':
      return console.log(`member: registered enclave ${event.signer}`)
    case 'rekeyed':
      return console.log(`member: proposed epoch ${event.epoch}`)
    case 'initKeyRotated':
      return console.log(`member: rotated its init key after epoch ${event.epoch}`)
    case 'raceLost':
      return console.log(`member: ${event.action} lost a race (${event.errorName}); following the chain`)
    case 'retrying':
      return console.error(
        `member: ${event.action} failed (${formatError(event.error)}); attempt ${event.attempt + 1} of ${event.attempts} in ${event.delayMs / 1000} s`,
      )
    case 'error':
      return console.error(`member: ${formatError(event.error)}`)
  }
}
