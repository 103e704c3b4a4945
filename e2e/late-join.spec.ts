/**
 * Journey (the late-joiner issue's acceptance): 200 random transfers among 30 accounts make real history on the dev
 * stack, then a fresh browser joins. Its enclave cannot open the commands sealed before it joined, so it shows no
 * balance while it restores from the checkpoint the members signed; then its balance and history equal what the
 * node's member shows the same account (read with the CLI), and its next transfer applies (a late joiner once refused
 * it with "wrong nonce").
 */
import { readFile } from 'node:fs/promises'
import { expect, test, type Page, type TestInfo } from '@playwright/test'
import { keccak256, toHex, type Hex } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { createLedgerClients } from '../host/chain/createLedgerClients'
import { parseDeployment } from '../host/deployment/parseDeployment'
import { sealCommand } from '../host/envelopes/sealCommand'
import { MAX_RECORDS_PER_BATCH } from '../host/ledger/constants'
import { readGroup } from '../host/ledger/readGroup'
import { submitBatch } from '../host/ledger/submitBatch'
import { formatTokenAmount } from '../host/wallet/tokenUnits'
import type { CoreCommand } from '../enclave-wasm/envelopes/coreCommands'
import {
  devAccount,
  holdsEpoch,
  initTokenOnce,
  MAIN_STACK,
  openWallet,
  recordedTexts,
  recordTexts,
  TOKEN_ISSUER_KEY,
  walletOn,
} from './journey'

const ACCOUNTS = 30
const TRANSFERS = 200
// #4 joins in the browser; the others are accounts of the mnemonic no journey uses, holding no ETH (a command needs
// none). #7 posts the batches, as any relayer would: no other journey sends from it.
const JOINER = devAccount(4)
const HOLDERS = [JOINER, ...Array.from({ length: ACCOUNTS - 1 }, (_, i) => devAccount(100 + i))]
const POSTER = devAccount(7)

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

test(`a browser joining after ${TRANSFERS} transfers among ${ACCOUNTS} accounts restores from a checkpoint, then matches the member and transfers`, async ({
  browser,
}, testInfo) => {
  test.setTimeout(300_000)

  // History: 1,000 ANON issued to each holder, then the transfers, each wallet-signed and sealed as a wallet does and
  // posted in batches. Seeded: parties and amount come from the hash of the transfer's index, so every run replays
  // the same; self-transfers and overdrafts are refused, real outcomes the joiner must learn from the snapshot too.
  await initTokenOnce(MAIN_STACK)
  await makeHistory()

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
  // Light mode shows the balance a member node answered; what counts from here is what the replica shows.
  await expect(page.getByTestId('balance')).toBeVisible({ timeout: 30_000 })
  const beforeJoin = (await recordedTexts(page)).length
  await page.getByRole('button', { name: 'Run a replica in this tab' }).click()

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
  // The page groups thousands; the CLI's JSON does not.
  const shown = `${formatTokenAmount(BigInt(before.balanceBaseUnits))} ANON`
  await expect(page.getByTestId('balance')).toHaveText(shown, { timeout: 30_000 })
  const history = await cliRead<History>(JOINER.key, 'history')
  expect(history.history.length).toBeGreaterThan(2)
  await expect.poll(() => historyRows(page)).toEqual(expectedRows(history))
  // Once it ran a replica, no balance was shown before the restore, not even a 0: the first one is the member's.
  const seen = (await recordedTexts(page)).slice(beforeJoin)
  const firstBalance = seen.findIndex((text) => text.startsWith('balance: '))
  expect(seen.findIndex((text) => text.startsWith('balance-restoring: '))).toBeLessThan(firstBalance)
  expect(seen[firstBalance]).toBe(`balance: ${shown}`)
  await shoot(page, testInfo, 'late-join-restored')

  // The tab's next transfer applies, and the member agrees on the balance it leaves.
  await page.getByLabel('Recipient').fill(HOLDERS[1]!.address)
  await page.getByLabel('Amount (ANON)').fill('1.5')
  await page.getByRole('button', { name: 'Send confidentially' }).click()
  await expect(page.getByTestId('transfer-outcome')).toHaveText(/^Applied at input \d+\.$/, { timeout: 60_000 })
  const after = BigInt(before.balanceBaseUnits) - 150n
  await expect(page.getByTestId('balance')).toHaveText(`${formatTokenAmount(after)} ANON`)
  expect((await cliRead<Balance>(JOINER.key, 'balance')).balance).toBe(formatTokenAmount(after, { grouped: false }))

  await context.close()
})

/** Seals the issuance and the transfers, posts them, and waits until the node's member has applied them. */
async function makeHistory(): Promise<void> {
  const deployment = parseDeployment(JSON.parse(await readFile(MAIN_STACK.deployment, 'utf8')))
  const ledger = deployment.contracts.ledger
  const poster = createLedgerClients({
    rpcUrl: deployment.rpcUrl!,
    chainId: deployment.chainId,
    account: POSTER.address,
    pollingIntervalMs: 100,
  })
  const group = await readGroup(poster.publicClient, { ledger })
  const deadlineBlock = (await poster.publicClient.getBlockNumber()) + 200n
  const nonces = new Map<Hex, bigint>()
  const nextNonce = async (key: Hex) => {
    const nonce = nonces.get(key) ?? BigInt((await cliRead<{ nonce: string }>(key, 'balance')).nonce)
    nonces.set(key, nonce + 1n)
    return nonce
  }
  const seal = async (key: Hex, command: CoreCommand) => {
    const wallet = privateKeyToAccount(key)
    return sealCommand({
      chainId: BigInt(deployment.chainId),
      ledger,
      epoch: Number(group.epoch),
      cmdPubKey: group.cmdPubKey,
      account: wallet.address,
      nonce: await nextNonce(key),
      deadlineBlock,
      command,
      signTypedData: (typedData) => wallet.signTypedData(typedData),
    })
  }
  const random = (i: number, part: number, n: number) => Number(BigInt(keccak256(toHex(`${i} ${part}`))) % BigInt(n))
  const records: Uint8Array[] = []
  for (const holder of HOLDERS)
    records.push(await seal(TOKEN_ISSUER_KEY, { op: 'mint', to: holder.address, amount: 100_000n }))
  for (let i = 0; i < TRANSFERS; i++) {
    const from = HOLDERS[random(i, 0, ACCOUNTS)]!
    const to = HOLDERS[random(i, 1, ACCOUNTS)]!
    records.push(await seal(from.key, { op: 'transfer', to: to.address, amount: BigInt(100 + random(i, 2, 12_000)) }))
  }
  for (let i = 0; i < records.length; i += MAX_RECORDS_PER_BATCH) {
    const hash = await submitBatch(poster.walletClient, {
      ledger,
      records: records.slice(i, i + MAX_RECORDS_PER_BATCH),
    })
    await poster.publicClient.waitForTransactionReceipt({ hash })
  }
  const posted = (await readGroup(poster.publicClient, { ledger })).seq
  await expect
    .poll(async () => BigInt((await cliRead<{ seq: string }>(JOINER.key, 'balance')).seq), { timeout: 120_000 })
    .toBeGreaterThanOrEqual(posted)
}
