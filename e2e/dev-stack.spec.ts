/** Journey: a newcomer opens the local stack, connects the dev wallet, and checks chain and enclave. */
import { readFile } from 'node:fs/promises'
import { expect, test } from '@playwright/test'
import { E2E_DEPLOYMENT } from '../playwright.config'

const ANVIL_ACCOUNT_0 = '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266'

const readJson = async (path: string) => JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>

test('opens the app, connects the dev wallet, sees blocks advance and the enclave measured as built', async ({
  page,
}, testInfo) => {
  const manifest = await readJson('enclave-wasm/build/manifest.json')
  const deployment = (await readJson(E2E_DEPLOYMENT)) as { chainId: number; contracts: { ledger: string } }

  await page.goto('/#/network')
  await expect(page.getByTestId('simulation-banner')).toContainText('no hardware protection')

  await page.getByRole('button', { name: 'Dev wallet · account #0' }).click()
  await expect(page.getByTestId('wallet-address')).toHaveText(ANVIL_ACCOUNT_0)

  await expect(page.getByTestId('chain-id')).toHaveText(String(deployment.chainId))
  await expect(page.getByTestId('ledger-address')).toHaveText(deployment.contracts.ledger)

  const height = page.getByTestId('block-height')
  await expect(height).toHaveText(/^\d+$/)
  const first = Number(await height.textContent())
  await expect.poll(async () => Number(await height.textContent()), { timeout: 15_000 }).toBeGreaterThan(first)

  await expect(page.getByTestId('enclave-state')).toHaveText('booted')
  await expect(page.getByTestId('enclave-measurement')).toHaveText(manifest.measurement as string)
  await expect(page.getByTestId('enclave-verdict')).toHaveText('matches the deployment')

  await page.screenshot({ path: testInfo.outputPath('dev-stack.png'), fullPage: true })
})
