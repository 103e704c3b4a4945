/**
 * Journey (the late-joiner issue's acceptance): terminal users make real history on the dev stack, then a fresh
 * browser joins. Its enclave cannot open the commands sealed before it joined, so it shows no balance while it
 * restores from the checkpoint the members signed; then its balance and history equal what the node's member shows
 * the same account, and its next transfer applies (a late joiner once refused it with "wrong nonce").
 */
import { expect, test, type Page, type TestInfo } from '@playwright/test'
import type { Hex } from 'viem'
import { formatTokenAmount } from '../host/wallet/tokenUnits'
import {
  devAccount,
  holdsEpoch,
  initTokenOnce,
  MAIN_STACK,
  openWallet,
  recordedTexts,
  recordTexts,
  tokenIssuerOn,
  walletOn,
} from './journey'

// Dev accounts no other journey on this stack holds tokens with (#5 is the token issuer); #4 joins in the browser.
const HOLDERS = [3, 4, 5, 6, 7].map(devAccount)
const JOINER = HOLDERS[1]!
const ROUNDS = 4

type Balance = { balance: string; balanceBaseUnits: string }
type History = { history: { seq: number; direction: string; detail: string; code: number; outcome: string }[] }
const cliRead = async <T>(key: Hex, action: 'balance' | 'history') =>
  JSON.parse((await walletOn(MAIN_STACK, key)(action, '--json')).stdout) as T

/** The history table's rows as the CLI's entries would fill them (newest first): input, direction, detail, outcome. */
const historyRows = (page: Page) =>
  page
    .getByTestId('history-row')
    .evaluateAll((rows) => rows.map((row) => [...(row as HTMLTableRowElement).cells].map((cell) => cell.textContent)))
    .then((rows) => rows.map((cells) => [cells[0], cells[1], cells[4], cells[5]]))
const expectedRows = ({ history }: History) =>
  history
    .map((entry) => [
      `#${entry.seq}`,
      entry.direction,
      entry.detail || '—',
      entry.code === 0 ? 'applied' : `refused: ${entry.outcome}`,
    ])
    .reverse()

async function shoot(page: Page, testInfo: TestInfo, name: string) {
  const path = testInfo.outputPath(`${name}.png`)
  await page.screenshot({ path, fullPage: true })
  await testInfo.attach(name, { path, contentType: 'image/png' })
}

test('a browser joining after 20 transfers restores from a checkpoint, then matches the member and transfers', async ({
  browser,
}, testInfo) => {
  test.setTimeout(300_000)

  // History: 100 ANON issued to each holder, then rounds in which every holder pays another (in parallel: each
  // holder's commands stay in nonce order).
  await initTokenOnce(MAIN_STACK)
  const issuer = tokenIssuerOn(MAIN_STACK)
  for (const { address } of HOLDERS) await issuer('mint', '--to', address, '--amount', '100')
  for (let round = 1; round <= ROUNDS; round++)
    await Promise.all(
      HOLDERS.map(({ key }, i) =>
        walletOn(MAIN_STACK, key)(
          'transfer',
          '--to',
          HOLDERS[(i + round) % HOLDERS.length]!.address,
          '--amount',
          `${round + i}.25`,
        ),
      ),
    )

  // A fresh context: its own machine and no sealed state. The snapshot's download is held until the restoring
  // state has been checked: a local snapshot arrives within a status poll, too soon to see it otherwise.
  const context = await browser.newContext()
  await recordTexts(context, ['balance-restoring', 'balance'])
  let releaseSnapshot!: () => void
  const snapshotReleased = new Promise<void>((resolve) => {
    releaseSnapshot = resolve
  })
  await context.route('**/v1/snapshots/*', async (route) => {
    await snapshotReleased
    await route.continue()
  })
  const page = await openWallet(context, JOINER, { connect: true })
  await page.getByRole('button', { name: 'Join the group with this tab' }).click()

  await expect(page.getByTestId('balance-restoring')).toContainText(
    /^No balance yet: this tab's enclave is restoring from a checkpoint \(at input \d+\)\.$/,
    { timeout: 60_000 },
  )
  await expect(page.getByTestId('enclave-restoring')).toContainText(/^Restoring from checkpoint at input \d+: /, {
    timeout: 90_000,
  })
  await expect(page.getByTestId('enclave-membership')).toHaveText(/^member, restoring from checkpoint at input \d+$/)
  await expect(page.getByTestId('balance')).toHaveCount(0)
  await shoot(page, testInfo, 'late-join-restoring')
  releaseSnapshot()

  await holdsEpoch(page)
  await expect(page.getByTestId('enclave-restoring')).toHaveCount(0)
  const before = await cliRead<Balance>(JOINER.key, 'balance')
  await expect(page.getByTestId('balance')).toHaveText(`${before.balance} ANON`, { timeout: 30_000 })
  const history = await cliRead<History>(JOINER.key, 'history')
  expect(history.history.length).toBeGreaterThanOrEqual(1 + 2 * ROUNDS)
  await expect.poll(() => historyRows(page)).toEqual(expectedRows(history))
  // No balance was shown before the restore, not even a 0: the first one is the member's.
  const seen = await recordedTexts(page)
  const firstBalance = seen.findIndex((text) => text.startsWith('balance: '))
  expect(seen.findIndex((text) => text.startsWith('balance-restoring: '))).toBeLessThan(firstBalance)
  expect(seen[firstBalance]).toBe(`balance: ${before.balance} ANON`)
  await shoot(page, testInfo, 'late-join-restored')

  // The tab's next transfer applies, and the member agrees on the balance it leaves.
  await page.getByLabel('Recipient').fill(HOLDERS[0]!.address)
  await page.getByLabel('Amount (ANON)').fill('1.5')
  await page.getByRole('button', { name: 'Send confidentially' }).click()
  await expect(page.getByTestId('transfer-outcome')).toHaveText(/^Applied at input \d+\.$/, { timeout: 60_000 })
  const after = formatTokenAmount(BigInt(before.balanceBaseUnits) - 150n, { grouped: false })
  await expect(page.getByTestId('balance')).toHaveText(`${after} ANON`)
  expect((await cliRead<Balance>(JOINER.key, 'balance')).balance).toBe(after)

  await context.close()
})
