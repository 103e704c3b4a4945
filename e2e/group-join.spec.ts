/**
 * Journey: two headless members of two operators form the group (the dev stack's own and the second operator's node
 * the run starts beside it), then a browser tab joins last and receives the current epoch through the chain, as
 * every member does, once both co-signed the checkpoint at its registration; reloaded, it resumes from IndexedDB.
 */
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { expect, test } from '@playwright/test'
import { E2E_DEPLOYMENT, E2E_SECOND_NODE_DATA } from '../playwright.config'

const cli = (args: string[]) => promisify(execFile)(process.execPath, ['cli/bin/anonify.js', ...args])
const statusOf = async (dataDir: string) =>
  JSON.parse((await cli(['status', '--json', '--deployment', E2E_DEPLOYMENT, '--data', dataDir])).stdout) as {
    epoch: number
    members: string[]
    holdsEpoch: boolean
    restoring: boolean
    chain: { epoch: number; members: string[] }
  }
const dataDir = E2E_SECOND_NODE_DATA

test('a browser enclave joins two headless members last and reaches their epoch through the chain', async ({
  page,
}, testInfo) => {
  test.setTimeout(120_000)
  await page.goto('/#/network')
  const rows = page.getByTestId('network-member')
  // The dev stack's member and the second node, both trusted, keyed into one epoch.
  await expect(rows).toHaveCount(2, { timeout: 60_000 })
  await expect(rows.getByText('trusted', { exact: true })).toHaveCount(2)
  await expect.poll(async () => (await statusOf(dataDir)).holdsEpoch, { timeout: 60_000 }).toBe(true)
  const before = await statusOf(dataDir)

  await page.getByRole('button', { name: 'Dev wallet · account #0' }).click()
  await page.getByRole('button', { name: 'Run a replica in this tab' }).click()
  await expect(page.getByTestId('enclave-membership')).toHaveText('member, holds the epoch key', { timeout: 60_000 })
  await expect(rows).toHaveCount(3)

  // Same epoch everywhere: the chain, this tab's enclave, and the second node's enclave (from its sealed state).
  const epoch = page.getByTestId('network-epoch')
  await expect
    .poll(async () => Number(await epoch.textContent()), { timeout: 30_000 })
    .toBeGreaterThan(before.chain.epoch)
  await expect
    .poll(async () => (await page.getByTestId('enclave-epoch').textContent()) === (await epoch.textContent()))
    .toBe(true)
  await expect
    .poll(
      async () => {
        const node = await statusOf(dataDir)
        return (
          node.holdsEpoch &&
          !node.restoring &&
          node.epoch === Number(await epoch.textContent()) &&
          node.members.length === 3
        )
      },
      { timeout: 30_000 },
    )
    .toBe(true)

  await page.screenshot({ path: testInfo.outputPath('group-join.png'), fullPage: true })

  // A reload is the same machine (kept in IndexedDB): the tab unseals its state and resumes as the same member,
  // with no second registration and without replaying from the start.
  const signer = await page.getByTestId('enclave-signer').textContent()
  const seq = Number(await page.getByTestId('enclave-seq').textContent())
  await page.reload()
  // The dev wallet reconnects by itself, and the replica resumes as soon as it has.
  await expect(page.getByTestId('wallet-address')).toBeVisible({ timeout: 30_000 })
  await expect(page.getByTestId('enclave-resumed')).toBeVisible({ timeout: 30_000 })
  await expect(page.getByRole('button', { name: 'Run a replica in this tab' })).toHaveCount(0)
  await expect(page.getByTestId('enclave-membership')).toHaveText('member, holds the epoch key', { timeout: 30_000 })
  await expect(page.getByTestId('enclave-signer')).toHaveText(signer!)
  expect(Number(await page.getByTestId('enclave-seq').textContent())).toBeGreaterThanOrEqual(seq)
  await expect(rows).toHaveCount(3)
  await page.screenshot({ path: testInfo.outputPath('group-join-reloaded.png'), fullPage: true })
})
