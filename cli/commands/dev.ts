/** `anonify dev`: the whole local stack on 127.0.0.1 until Ctrl-C, then every child is stopped. */
import { createServer, type ViteDevServer } from 'vite'
import { startAnvil, type Anvil } from '../../host/chain/startAnvil'
import { DEFAULT_DEPLOYMENT_PATH, resolveRepoPath } from '../../host/deployment/paths'
import { defineCommand } from '../command'
import { integerOption, stringOption, urlOption } from './parseOptions'
import { buildArtifacts, deployAndRecord, step } from './stack'

export const devCommand = defineCommand({
  name: 'dev',
  summary: 'Run the local stack: build, start anvil, deploy, serve the web app (Ctrl-C stops it all)',
  usage: ['anonify dev [--rpc URL] [--port N] [--block-time SECONDS] [--deployment FILE]'],
  options: {
    rpc: { type: 'string' },
    port: { type: 'string' },
    'block-time': { type: 'string' },
    deployment: { type: 'string' },
  },
  async run(values) {
    const rpc = urlOption('rpc', values.rpc)
    const port = integerOption('port', values.port, 0, 65_535) ?? 5173
    const blockTimeSeconds = integerOption('block-time', values['block-time'], 1, 3_600) ?? 1
    const deploymentPath = resolveRepoPath(stringOption(values.deployment, DEFAULT_DEPLOYMENT_PATH))

    const stoppers: (() => Promise<void>)[] = []
    const stopAll = async () => {
      for (const stop of stoppers.splice(0).reverse()) await stop().catch(() => {})
    }
    const stopped = new Promise<void>((resolve) => {
      const onSignal = (signal: NodeJS.Signals) => {
        console.log(`\n${signal}: stopping…`)
        void stopAll().then(() => {
          console.log('Stopped.')
          resolve()
        })
      }
      for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(signal, onSignal)
    })

    try {
      const measurement = await buildArtifacts()
      let rpcUrl = rpc
      if (rpcUrl === undefined) {
        const anvil: Anvil = await step('Starting anvil', () => startAnvil({ blockTimeSeconds }), (a) => a.rpcUrl)
        stoppers.push(anvil.stop)
        rpcUrl = anvil.rpcUrl
      }
      const deployment = await deployAndRecord(rpcUrl, measurement, deploymentPath)
      // The dev server's plugin publishes this file at /deployment.json.
      process.env.ANONIFY_DEPLOYMENT = deploymentPath
      const server: ViteDevServer = await step('Starting the web app', async () => {
        const vite = await createServer({
          configFile: resolveRepoPath('vite.config.ts'),
          server: { port, strictPort: values.port !== undefined },
          clearScreen: false,
          logLevel: 'warn',
        })
        stoppers.push(() => vite.close())
        return vite.listen()
      })
      const url = server.resolvedUrls?.local[0] ?? `http://127.0.0.1:${port}/`
      console.log('')
      console.log(`  Anonify is running on chain ${deployment.chainId} (${rpcUrl})`)
      console.log(`  Web app:  ${url}`)
      console.log('  Simulation mode: the enclave has NO hardware protection.')
      console.log('  Press Ctrl-C to stop.')
    } catch (error) {
      await stopAll()
      throw error
    }
    await stopped
    return 0
  },
})
