/**
 * The seed's journey in light mode, then with a replica: Alice and Bob only connect their wallets (no registration,
 * no gas) and read and send through the member node serving the page, each reply shown with the enclave that answered
 * and verified on chain. Alice is issued 100 and pays Bob 60; both pages show 40 / 60. A third browser, Alice's
 * operator console, runs a replica in its tab and shows the same 40 from its own enclave; it is closed while Alice
 * pays Bob twice more, reopened, catches up with a visible progress indicator, and posts from Alice's own wallet.
 * Eve sees neither balance. The issuer is a terminal user (`anonify wallet`) relaying through the same node.
 */
import { readFile } from 'node:fs/promises'
import { expect, test, type BrowserContext, type Page } from '@playwright/test'
import { createPublicClient, http, type Address } from 'viem'
import { parseDeployment } from '../host/deployment/parseDeployment'
import {
  holdsEpoch,
  initTokenOnce,
  MAIN_STACK,
  openWallet as openDevWallet,
  recordedTexts,
  recordTexts,
  tokenIssuerOn,
} from './journey'

const ACCOUNTS = {
  alice: { index: 0, address: '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266' },
  bob: { index: 1, address: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8' },
  eve: { index: 2, address: '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC' },
} as const

const issuer = tokenIssuerOn(MAIN_STACK)
const openWallet = (context: BrowserContext, who: keyof typeof ACCOUNTS, options: { connect: boolean }) =>
  openDevWallet(context, ACCOUNTS[who], options)
const balanceOf = (page: Page) => page.getByTestId('balance')

/** How many transactions each account has sent: a light user's must not move. */
async function transactionCounts(addresses: Address[]): Promise<number[]> {
  const deployment = parseDeployment(JSON.parse(await readFile(MAIN_STACK.deployment, 'utf8')))
  const client = createPublicClient({ transport: http(deployment.rpcUrl) })
  return Promise.all(addresses.map((address) => client.getTransactionCount({ address })))
}

test('Alice pays Bob 60 in light mode; a replica in a third browser agrees, is away, and catches up; Eve sees neither', async ({
  browser,
}, testInfo) => {
  test.setTimeout(420_000)
  const contexts = {
    alice: await browser.newContext(),
    bob: await browser.newContext(),
    eve: await browser.newContext(),
    console: await browser.newContext(),
  }
  await recordTexts(contexts.console, ['sync-progress'])
  const shoot = (page: Page, name: string) =>
    page.screenshot({ path: testInfo.outputPath(`${name}.png`), fullPage: true })
  const countsBefore = await transactionCounts([ACCOUNTS.alice.address, ACCOUNTS.bob.address])

  // Light mode: each only connects a wallet.
  const alice = await openWallet(contexts.alice, 'alice', { connect: true })
  const bob = await openWallet(contexts.bob, 'bob', { connect: true })
  const eve = await openWallet(contexts.eve, 'eve', { connect: true })
  for (const page of [alice, bob, eve]) await expect(page.getByTestId('light-mode')).toBeVisible()

  // The issuer initialises the token (unless the late-join journey did) and issues Alice 100, from a terminal.
  await initTokenOnce(MAIN_STACK)
  await issuer('mint', '--to', ACCOUNTS.alice.address, '--amount', '100')
  await expect(balanceOf(alice)).toHaveText('100 ANON', { timeout: 30_000 })
  // The answer names the node and the member enclave, checked on chain: registered, allowed measurement, position.
  const deployment = parseDeployment(JSON.parse(await readFile(MAIN_STACK.deployment, 'utf8')))
  await expect(alice.getByTestId('answered-by-verdict')).toHaveText('Verified on chain')
  await expect(alice.getByTestId('answered-by-node')).toHaveText(`http://127.0.0.1:${MAIN_STACK.port}/`)
  await expect(alice.getByTestId('answered-by-measurement')).toHaveAttribute('title', deployment.enclave.measurement)
  await expect(alice.getByTestId('answered-by-registered')).toHaveText(/^block \d+$/)

  // Form validation: a bad address and an overspend are refused in the page, before anything is signed.
  await alice.getByLabel('Recipient').fill('0x1234')
  await alice.getByLabel('Amount (ANON)').fill('60')
  await alice.getByRole('button', { name: 'Send confidentially' }).click()
  await expect(alice.getByText('Enter the recipient as a 0x address')).toBeVisible()
  await alice.getByLabel('Recipient').fill(ACCOUNTS.bob.address)
  await alice.getByLabel('Amount (ANON)').fill('1000')
  await alice.getByRole('button', { name: 'Send confidentially' }).click()
  await expect(alice.getByText('You hold 100 ANON.')).toBeVisible()

  // The seed's transfer, through the relayer: in light mode the only route, and free for Alice.
  await expect(alice.getByLabel('my wallet, directly')).toBeDisabled()
  await alice.getByLabel('Amount (ANON)').fill('60')
  await alice.getByRole('button', { name: 'Send confidentially' }).click()
  await expect(alice.getByTestId('transfer-outcome')).toHaveText(/^Applied at input \d+\.$/, { timeout: 60_000 })
  await expect(balanceOf(alice)).toHaveText('40 ANON')
  await expect(balanceOf(bob)).toHaveText('60 ANON', { timeout: 30_000 })
  await expect(bob.getByTestId('answered-by-verdict')).toHaveText('Verified on chain')
  await expect(bob.getByTestId('history-row').first()).toContainText('received')
  await shoot(alice, 'alice-wallet')
  await shoot(bob, 'bob-wallet')

  // The explorer: the chain holds ciphertext posted by the relayer; Alice's answer tells her what it was.
  const transferSeq = (await alice.getByTestId('transfer-outcome').textContent())!.match(/input (\d+)/)![1]!
  await alice.getByRole('link', { name: 'Explorer' }).click()
  const aliceRow = alice.getByTestId('explorer-row').filter({ hasText: `#${transferSeq}` })
  await expect(aliceRow.getByTestId('explorer-yours')).toContainText('You sent 60 ANON to', { timeout: 30_000 })
  await expect(aliceRow).toContainText('sealed commands')
  await expect(aliceRow).not.toContainText(ACCOUNTS.alice.address.slice(0, 10))
  await shoot(alice, 'alice-explorer')
  await alice.getByRole('link', { name: 'Wallet' }).click()

  // The fast path in light mode: one grant, then a transfer with no signature.
  await alice.getByRole('button', { name: 'Start a session' }).click()
  await expect(alice.getByTestId('session-outcome')).toHaveText(/^Applied/, { timeout: 60_000 })
  await expect(alice.getByTestId('session-state')).toContainText('Live until block')
  // Neither light user sent a transaction: no registration, no gas.
  expect(await transactionCounts([ACCOUNTS.alice.address, ACCOUNTS.bob.address])).toEqual(countsBefore)

  // Alice's operator console runs a replica in its tab; it joins late, restores, and shows the same 40 itself.
  let console_ = await openWallet(contexts.console, 'alice', { connect: true })
  await console_.getByRole('button', { name: 'Run a replica in this tab' }).click()
  await holdsEpoch(console_)
  await expect(balanceOf(console_)).toHaveText('40 ANON', { timeout: 120_000 })
  await expect(console_.getByTestId('answered-by-node')).toHaveText("this tab's replica")
  await shoot(console_, 'console-replica')

  // The console is away while Alice pays Bob twice more from her light page.
  await expect
    .poll(async () => Number(await console_.getByTestId('enclave-seq').textContent()), { timeout: 30_000 })
    .toBeGreaterThan(Number(transferSeq))
  const seqBeforeClose = Number(await console_.getByTestId('enclave-seq').textContent())
  await console_.close()
  await alice.getByLabel('Recipient').fill(ACCOUNTS.bob.address)
  for (const amount of ['5', '5.25']) {
    await alice.getByLabel('Amount (ANON)').fill(amount)
    await alice.getByRole('button', { name: 'Send confidentially' }).click()
    await expect(alice.getByTestId('transfer-outcome')).toHaveText(/^Applied at input \d+\.$/, { timeout: 60_000 })
  }
  await expect(balanceOf(alice)).toHaveText('29.75 ANON')

  // The console comes back: it resumes its sealed replica (no registration, no replay from the start), catches up,
  // and posts one more from Alice's own wallet: then her address is the poster on chain.
  console_ = await openWallet(contexts.console, 'alice', { connect: false })
  await expect(console_.getByTestId('enclave-resumed')).toContainText('Resumed from this browser', { timeout: 30_000 })
  const resumedAt = Number((await console_.getByTestId('enclave-resumed').textContent())!.match(/at input (\d+)/)![1])
  expect(resumedAt).toBeGreaterThanOrEqual(seqBeforeClose)
  await expect(console_.getByTestId('sync-done')).toContainText('Caught up', { timeout: 60_000 })
  const seen = await recordedTexts(console_)
  expect(seen.some((text) => /^sync-progress: .*Catching up: input \d+ of \d+, \d+ remaining/.test(text))).toBe(true)
  await expect(balanceOf(console_)).toHaveText('29.75 ANON', { timeout: 30_000 })
  await expect(console_.getByRole('button', { name: 'Run a replica in this tab' })).toHaveCount(0)
  await console_.getByLabel('Recipient').fill(ACCOUNTS.bob.address)
  await console_.getByLabel('my wallet, directly').check()
  await console_.getByLabel('Amount (ANON)').fill('1')
  await console_.getByRole('button', { name: 'Send confidentially' }).click()
  await expect(console_.getByTestId('transfer-outcome')).toHaveText(/^Applied at input \d+\.$/, { timeout: 60_000 })
  const directSeq = (await console_.getByTestId('transfer-outcome').textContent())!.match(/input (\d+)/)![1]!
  await console_.getByRole('link', { name: 'Explorer' }).click()
  const directRow = console_.getByTestId('explorer-row').filter({ hasText: `#${directSeq}` })
  await expect(directRow.getByTestId('explorer-poster')).toHaveAttribute(
    'title',
    new RegExp(ACCOUNTS.alice.address, 'i'),
    { timeout: 30_000 },
  )
  await expect(directRow.getByTestId('explorer-yours')).toContainText('You sent 1 ANON to')
  await console_.getByRole('link', { name: 'Wallet' }).click()
  await console_.getByLabel('a relayer').check()
  await shoot(console_, 'console-caught-up')
  await expect(balanceOf(bob)).toHaveText('71.25 ANON', { timeout: 30_000 })
  await expect(balanceOf(alice)).toHaveText('28.75 ANON', { timeout: 30_000 })

  // Eve, a light user too, sees only her own account: no balance, no history, only ciphertext.
  await expect(balanceOf(eve)).toHaveText('0 ANON')
  await expect(eve.getByText('Nothing yet.')).toBeVisible()
  await shoot(eve, 'eve-wallet')
  await eve.getByRole('link', { name: 'Explorer' }).click()
  const eveRow = eve.getByTestId('explorer-row').filter({ hasText: `#${transferSeq}` })
  await expect(eveRow.getByTestId('explorer-yours')).toHaveText('Nothing of yours: ciphertext you cannot read', {
    timeout: 30_000,
  })
  for (const text of ['40 ANON', '60 ANON', '71.25 ANON', '28.75 ANON'])
    await expect(eve.getByText(text)).toHaveCount(0)
  await shoot(eve, 'eve-explorer')

  for (const context of Object.values(contexts)) await context.close()
})
