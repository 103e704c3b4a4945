/**
 * Failover in the browser (issue 14): the deployment file lists a second member node (its operator published it
 * and allowed the web app's origin), so a light wallet whose page node goes down mid-run keeps reading and sending
 * through the second, and says which node answered.
 */
import { readFile, writeFile } from 'node:fs/promises'
import { expect, test } from '@playwright/test'
import { E2E_SECOND_NODE_PORT } from '../playwright.config'
import { formatTokenAmount } from '../host/wallet/tokenUnits'
import { devAccount, initTokenOnce, MAIN_STACK, openWallet, tokenIssuerOn, walletOn } from './journey'

const DAVE = devAccount(4)
// Nobody the other journeys count the balance of.
const PAYEE = '0x1111111111111111111111111111111111111111'
const SECOND_NODE = `http://127.0.0.1:${E2E_SECOND_NODE_PORT}/`

test('a light wallet whose page node goes down reads and sends through the second node it lists', async ({
  browser,
}, testInfo) => {
  test.setTimeout(180_000)
  const published = await readFile(MAIN_STACK.deployment, 'utf8')
  await writeFile(MAIN_STACK.deployment, JSON.stringify({ ...JSON.parse(published), nodes: [SECOND_NODE] }, null, 2))
  try {
    await initTokenOnce(MAIN_STACK)
    await tokenIssuerOn(MAIN_STACK)('mint', '--to', DAVE.address, '--amount', '10')
    // Earlier journeys may have paid Dave too: what he holds now, as the CLI reads it.
    const { balanceBaseUnits } = JSON.parse((await walletOn(MAIN_STACK, DAVE.key)('balance', '--json')).stdout) as {
      balanceBaseUnits: string
    }
    const held = BigInt(balanceBaseUnits)
    const context = await browser.newContext()
    const page = await openWallet(context, DAVE, { connect: true })
    const pageNode = new URL(page.url()).origin
    await expect(page.getByTestId('balance')).toHaveText(`${formatTokenAmount(held)} ANON`, { timeout: 30_000 })
    await expect(page.getByTestId('answered-by-node')).toHaveText(`${pageNode}/`)

    // The page's own node goes down: every request to it is refused from now on.
    await context.route(
      (url) => url.origin === pageNode && url.pathname.startsWith('/v1/'),
      (route) => route.abort('connectionrefused'),
    )
    await page.getByLabel('Recipient').fill(PAYEE)
    await page.getByLabel('Amount (ANON)').fill('1')
    await page.getByRole('button', { name: 'Send confidentially' }).click()
    await expect(page.getByTestId('transfer-outcome')).toHaveText(/^Applied at input \d+\.$/, { timeout: 60_000 })
    await expect(page.getByTestId('balance')).toHaveText(`${formatTokenAmount(held - 100n)} ANON`, { timeout: 30_000 })
    await expect(page.getByTestId('answered-by-node')).toHaveText(SECOND_NODE)
    await expect(page.getByTestId('answered-by-verdict')).toHaveText('Verified on chain')
    await page.screenshot({ path: testInfo.outputPath('failover.png'), fullPage: true })
    await context.close()
  } finally {
    await writeFile(MAIN_STACK.deployment, published)
  }
})
