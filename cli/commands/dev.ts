/** `anonify dev`: the whole local stack on 127.0.0.1 until Ctrl-C, then every child is stopped. */
import { rm } from 'node:fs/promises'
import type { ViteDevServer } from 'vite'
import { startAnvil, type Anvil } from '../../host/chain/startAnvil'
import { DEFAULT_DEPLOYMENT_PATH, resolveRepoPath } from '../../host/deployment/paths'
import { superviseMember } from '../../host/node/superviseMember'
import { defineCommand } from '../command'
import { DEFAULT_NODE_PORT, logMemberEvent } from './node'
import { operatorAccount } from './operatorAccount'
import { evmVersionOption, integerOption, stringOption, urlOption } from './parseOptions'
import { buildArtifacts } from '../artifacts'
import { step } from '../step'
import { deployAndRecord } from './stack'
import { untilSignal } from './untilSignal'

/** anvil's last dev account operates the always-on member, leaving the first ones to people and tests. */
const DEV_OPERATOR_ACCOUNT = 9

export const devCommand = defineCommand({
  usage: [
    'anonify dev [--rpc URL] [--port N] [--node-port N] [--block-time SECONDS] [--deployment FILE] [--data DIR] [--evm-version VERSION]',
  ],
  options: {
    rpc: { type: 'string' },
    port: { type: 'string' },
    'block-time': { type: 'string' },
    deployment: { type: 'string' },
    data: { type: 'string' },
    'node-port': { type: 'string' },
    'evm-version': { type: 'string' },
  },
  async run(values) {
    const rpc = urlOption('rpc', values.rpc)
    const port = integerOption('port', values.port, 0, 65_535) ?? 5173
    const blockTimeSeconds = integerOption('block-time', values['block-time'], 1, 3_600) ?? 1
    const deploymentPath = resolveRepoPath(stringOption(values.deployment, DEFAULT_DEPLOYMENT_PATH))
    const dataDir = resolveRepoPath(stringOption(values.data, '.anonify/dev-node'))
    const nodePort = integerOption('node-port', values['node-port'], 0, 65_535) ?? DEFAULT_NODE_PORT

    const evmVersion = evmVersionOption('evm-version', values['evm-version'])

    const stoppers: (() => Promise<void>)[] = []
    const stopAll = async () => {
      for (const stop of stoppers.splice(0).reverse()) await stop().catch(() => {})
    }
    // Registered before anything starts, so a Ctrl-C during start-up also stops what already runs.
    const stopped = untilSignal()
    try {
      const measurement = await buildArtifacts()
      let rpcUrl = rpc
      if (rpcUrl === undefined) {
        const anvil: Anvil = await step(
          'Starting anvil',
          () => startAnvil({ blockTimeSeconds }),
          (a) => a.rpcUrl,
        )
        stoppers.push(anvil.stop)
        rpcUrl = anvil.rpcUrl
        // A fresh chain: the member's sealed state belongs to the previous one.
        await rm(dataDir, { recursive: true, force: true })
      }
      const deployment = await deployAndRecord(rpcUrl, measurement, deploymentPath, evmVersion)
      const account = await operatorAccount(rpcUrl, DEV_OPERATOR_ACCOUNT)
      // The web app's origin, known once Vite listens: the proxy forwards the browser's Origin to the node unchanged.
      const webOrigins = new Set<string>()
      // Supervised: a member that crashes restarts from its data dir; one that keeps crashing stays down with a
      // message, and anvil and the web app keep running either way.
      const member = await step(
        'Starting the member node',
        () =>
          superviseMember({
            deployment,
            rpcUrl,
            dataDir,
            account,
            onEvent: logMemberEvent,
            httpPort: nodePort,
            allowedOrigins: webOrigins,
            // The browser reaches the node through Vite's proxy on loopback, which names it in X-Forwarded-For.
            trustLoopbackProxy: true,
          }),
        (m) => `relayer at ${m.url}`,
      )
      stoppers.push(member.stop)
      // The dev server's plugin publishes this file at /deployment.json.
      process.env.ANONIFY_DEPLOYMENT = deploymentPath
      const server: ViteDevServer = await step('Starting the web app', async () => {
        // Loaded on use, like the compilers: only `dev` serves the web app.
        const { createServer } = await import('vite')
        const vite = await createServer({
          configFile: resolveRepoPath('vite.config.ts'),
          // The web app posts to its own origin's /v1/: the member's relayer, with no CORS to open.
          // xfwd: the node rate-limits each browser by the address the proxy forwards, not the proxy's own.
          server: {
            port,
            strictPort: values.port !== undefined,
            proxy: { '/v1/': { target: member.url!, xfwd: true } },
          },
          clearScreen: false,
          logLevel: 'warn',
        })
        stoppers.push(() => vite.close())
        return vite.listen()
      })
      const url = server.resolvedUrls?.local[0] ?? `http://127.0.0.1:${port}/`
      for (const local of server.resolvedUrls?.local ?? [url]) webOrigins.add(new URL(local).origin)
      console.log('')
      console.log(`  Anonify is running on chain ${deployment.chainId} (${rpcUrl})`)
      console.log(`  Web app:  ${url}`)
      console.log(`  Node API: ${member.url} (anonify wallet --node ${member.url})`)
      console.log('  Simulation mode: the enclave has NO hardware protection.')
      console.log('  Press Ctrl-C to stop.')
      await stopped
    } finally {
      await stopAll()
    }
    console.log('Stopped.')
    return 0
  },
})
