/**
 * Playwright: Debian's Chromium (/usr/bin/chromium; never `playwright install`), against full `anonify dev` stacks
 * that this run owns (each its own anvil, deployment file, node data and web port; the main one with a second
 * operator's node beside it). The `journeys` share one chain
 * (in file order): a tab joining after others' commands restores from the members' checkpoint, so each journey only
 * keeps to accounts of its own. The KYC journey has a stack of its own because it changes the token's rules.
 */
import { defineConfig } from '@playwright/test'

/** The web port; ANONIFY_E2E_PORT moves it, so runs from two checkouts on one machine do not meet on it. */
export const E2E_PORT = Number(process.env.ANONIFY_E2E_PORT ?? 5199)
export const E2E_DEPLOYMENT = '.anonify/e2e-deployment.json'
export const KYC_E2E_PORT = 5198
/**
 * The main stack's second operator: a headless member (operator account #8) that starts with the stack and stays up,
 * as a consortium's nodes do. A new member gets a share only once another operator's member co-signed the checkpoint
 * at its registration (quorum before release), so the browsers that join later need it online.
 */
export const E2E_SECOND_NODE_PORT = E2E_PORT - 2
export const E2E_SECOND_NODE_DATA = '.anonify/e2e-second-node'
export const KYC_E2E_DEPLOYMENT = '.anonify/e2e-kyc-deployment.json'

const devStack = (port: number, deployment: string, data: string) => ({
  command: `node cli/bin/anonify.js dev --port ${port} --node-port 0 --deployment ${deployment} --data ${data}`,
  url: `http://127.0.0.1:${port}/deployment.json`,
  timeout: 180_000,
  reuseExistingServer: false,
  stdout: 'pipe' as const,
  gracefulShutdown: { signal: 'SIGTERM' as const, timeout: 10_000 },
})

export default defineConfig({
  testDir: 'e2e',
  workers: 1,
  forbidOnly: Boolean(process.env.CI),
  retries: 0,
  timeout: 60_000,
  reporter: [['list']],
  outputDir: 'test-results',
  use: {
    baseURL: `http://127.0.0.1:${E2E_PORT}`,
    browserName: 'chromium',
    headless: true,
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      // The machine has no network: keep Chromium from trying to reach Google's services at start.
      args: [
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
  },
  projects: [
    { name: 'journeys', testIgnore: 'kyc-journey.spec.ts' },
    { name: 'kyc', testMatch: 'kyc-journey.spec.ts', use: { baseURL: `http://127.0.0.1:${KYC_E2E_PORT}` } },
  ],
  webServer: [
    devStack(E2E_PORT, E2E_DEPLOYMENT, '.anonify/dev-node'),
    // Started once the dev stack answers (in order); a fresh data dir, as the stack's chain is new each run.
    {
      command: `rm -rf ${E2E_SECOND_NODE_DATA} && node cli/bin/anonify.js node --deployment ${E2E_DEPLOYMENT} --data ${E2E_SECOND_NODE_DATA} --operator-account 8 --http-port ${E2E_SECOND_NODE_PORT} --peer http://127.0.0.1:${E2E_PORT} --allow-origin http://127.0.0.1:${E2E_PORT}`,
      url: `http://127.0.0.1:${E2E_SECOND_NODE_PORT}/v1/status`,
      timeout: 60_000,
      reuseExistingServer: false,
      stdout: 'pipe' as const,
      gracefulShutdown: { signal: 'SIGTERM' as const, timeout: 10_000 },
    },
    devStack(KYC_E2E_PORT, KYC_E2E_DEPLOYMENT, '.anonify/e2e-kyc-node'),
  ],
})
