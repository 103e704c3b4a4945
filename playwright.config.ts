/**
 * Playwright: Debian's Chromium (/usr/bin/chromium; never `playwright install`), against a full `anonify dev`
 * stack that this run owns (its own anvil, deployment file and web port).
 */
import { defineConfig } from '@playwright/test'

/** The web port; ANONIFY_E2E_PORT moves it, so runs from two checkouts on one machine do not meet on it. */
export const E2E_PORT = Number(process.env.ANONIFY_E2E_PORT ?? 5199)
export const E2E_DEPLOYMENT = '.anonify/e2e-deployment.json'

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
  webServer: {
    command: `node cli/bin/anonify.js dev --port ${E2E_PORT} --node-port 0 --deployment ${E2E_DEPLOYMENT}`,
    url: `http://127.0.0.1:${E2E_PORT}/deployment.json`,
    timeout: 180_000,
    reuseExistingServer: false,
    stdout: 'pipe',
    gracefulShutdown: { signal: 'SIGTERM', timeout: 10_000 },
  },
})
