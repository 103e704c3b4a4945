/**
 * The seed's journey in three browsers, each its own participant with its own enclave replica: Alice is issued 100
 * and pays Bob 60, both pages show 40 / 60; Bob's page is closed during further transfers, reopened, catches up
 * with a visible progress indicator and shows the right balance; Eve, a member too, sees neither balance. The
 * issuer is a terminal user (`anonify wallet`) relaying through the same node.
 */
import { expect, test, type BrowserContext, type Page } from '@playwright/test'
import {
  holdsEpoch,
  initTokenOnce,
  joinGroup,
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

test('Alice pays Bob 60 between two browser replicas; Bob catches up after being away; Eve sees neither', async ({
  browser,
}, testInfo) => {
  test.setTimeout(420_000)
  const contexts = {
    alice: await browser.newContext(),
    bob: await browser.newContext(),
    eve: await browser.newContext(),
  }
  await recordTexts(contexts.bob, ['sync-progress'])
  const shoot = (page: Page, name: string) =>
    page.screenshot({ path: testInfo.outputPath(`${name}.png`), fullPage: true })

  // Each browser joins the group with its own enclave (its wallet pays the registration); every join is a rekey.
  const alice = await openWallet(contexts.alice, 'alice', { connect: true })
  await alice.getByRole('button', { name: 'Run a replica in this tab' }).click()
  // The tabs of the earlier journeys are closed; the two headless members co-sign the checkpoint at her
  // registration, key her in and ack (the rekey's block timeout, for a group mostly away, is pendingRekey.test.ts's).
  await holdsEpoch(alice)
  let bob = await openWallet(contexts.bob, 'bob', { connect: true })
  await joinGroup(bob)
  const eve = await openWallet(contexts.eve, 'eve', { connect: true })
  await joinGroup(eve)
  for (const page of [alice, bob]) await holdsEpoch(page)

  // The issuer initialises the token (unless the late-join journey did) and issues Alice 100, from a terminal.
  await initTokenOnce(MAIN_STACK)
  await issuer('mint', '--to', ACCOUNTS.alice.address, '--amount', '100')
  await expect(balanceOf(alice)).toHaveText('100 ANON', { timeout: 30_000 })

  // Form validation: a bad address and an overspend are refused in the page, before anything is signed.
  await alice.getByLabel('Recipient').fill('0x1234')
  await alice.getByLabel('Amount (ANON)').fill('60')
  await alice.getByRole('button', { name: 'Send confidentially' }).click()
  await expect(alice.getByText('Enter the recipient as a 0x address')).toBeVisible()
  await alice.getByLabel('Recipient').fill(ACCOUNTS.bob.address)
  await alice.getByLabel('Amount (ANON)').fill('1000')
  await alice.getByRole('button', { name: 'Send confidentially' }).click()
  await expect(alice.getByText('You hold 100 ANON.')).toBeVisible()

  // The seed's transfer, through the relayer.
  await alice.getByLabel('Amount (ANON)').fill('60')
  await alice.getByRole('button', { name: 'Send confidentially' }).click()
  await expect(alice.getByTestId('transfer-outcome')).toHaveText(/^Applied at input \d+\.$/, { timeout: 60_000 })
  await expect(balanceOf(alice)).toHaveText('40 ANON')
  await expect(balanceOf(bob)).toHaveText('60 ANON', { timeout: 30_000 })
  await expect(bob.getByTestId('history-row').first()).toContainText('received')
  await shoot(alice, 'alice-wallet')
  await shoot(bob, 'bob-wallet')

  // The explorer: the chain holds ciphertext posted by the relayer; Alice's enclave tells her what it was.
  const transferSeq = (await alice.getByTestId('transfer-outcome').textContent())!.match(/input (\d+)/)![1]!
  await alice.getByRole('link', { name: 'Explorer' }).click()
  const aliceRow = alice.getByTestId('explorer-row').filter({ hasText: `#${transferSeq}` })
  await expect(aliceRow.getByTestId('explorer-yours')).toContainText('You sent 60 ANON to', { timeout: 30_000 })
  await expect(aliceRow).toContainText('sealed commands')
  await expect(aliceRow).not.toContainText(ACCOUNTS.alice.address.slice(0, 10))
  await shoot(alice, 'alice-explorer')
  await alice.getByRole('link', { name: 'Wallet' }).click()

  // The fast path: one grant, then transfers with no signature each.
  await alice.getByRole('button', { name: 'Start a session' }).click()
  await expect(alice.getByTestId('session-outcome')).toHaveText(/^Applied/, { timeout: 60_000 })
  await expect(alice.getByTestId('session-state')).toContainText('Live until block')

  // Bob is away while Alice pays him twice more.
  // Closed once level with the chain: what it had applied is sealed in IndexedDB.
  await expect
    .poll(
      async () =>
        (await bob.getByTestId('enclave-seq').textContent()) === (await alice.getByTestId('enclave-seq').textContent()),
    )
    .toBe(true)
  const bobSeqBeforeClose = Number(await bob.getByTestId('enclave-seq').textContent())
  await bob.close()
  // The first through the relayer, the second posted by Alice's own wallet: then her address is the poster on chain.
  await alice.getByLabel('Recipient').fill(ACCOUNTS.bob.address)
  for (const [amount, route] of [
    ['5', 'a relayer'],
    ['5.25', 'my wallet, directly'],
  ] as const) {
    await alice.getByLabel(route).check()
    await alice.getByLabel('Amount (ANON)').fill(amount)
    await alice.getByRole('button', { name: 'Send confidentially' }).click()
    await expect(alice.getByTestId('transfer-outcome')).toHaveText(/^Applied at input \d+\.$/, { timeout: 60_000 })
  }
  await expect(balanceOf(alice)).toHaveText('29.75 ANON')
  const directSeq = (await alice.getByTestId('transfer-outcome').textContent())!.match(/input (\d+)/)![1]!
  await alice.getByRole('link', { name: 'Explorer' }).click()
  const directRow = alice.getByTestId('explorer-row').filter({ hasText: `#${directSeq}` })
  await expect(directRow).toContainText('session commands', { timeout: 30_000 })
  await expect(directRow.getByTestId('explorer-poster')).toHaveAttribute(
    'title',
    new RegExp(ACCOUNTS.alice.address, 'i'),
  )
  await expect(directRow.getByTestId('explorer-yours')).toContainText('You sent 5.25 ANON to')
  await alice.getByRole('link', { name: 'Wallet' }).click()
  await alice.getByLabel('a relayer').check()

  // Bob comes back: his browser resumes its sealed replica (no registration, no replay from the start) and catches up.
  bob = await openWallet(contexts.bob, 'bob', { connect: false })
  await expect(bob.getByTestId('enclave-resumed')).toContainText('Resumed from this browser', { timeout: 30_000 })
  const resumedAt = Number((await bob.getByTestId('enclave-resumed').textContent())!.match(/at input (\d+)/)![1])
  expect(resumedAt).toBeGreaterThanOrEqual(bobSeqBeforeClose)
  await expect(bob.getByTestId('sync-done')).toContainText('Caught up', { timeout: 60_000 })
  const seen = await recordedTexts(bob)
  expect(seen.some((text) => /^sync-progress: .*Catching up: input \d+ of \d+, \d+ remaining/.test(text))).toBe(true)
  await expect(balanceOf(bob)).toHaveText('70.25 ANON', { timeout: 30_000 })
  await expect(bob.getByRole('button', { name: 'Run a replica in this tab' })).toHaveCount(0)
  await shoot(bob, 'bob-wallet-caught-up')

  // Eve holds a full replica yet her wallet sees only her own account: no balance, no history, only ciphertext.
  await expect(balanceOf(eve)).toHaveText('0 ANON')
  await expect(eve.getByText('Nothing yet.')).toBeVisible()
  await shoot(eve, 'eve-wallet')
  await eve.getByRole('link', { name: 'Explorer' }).click()
  const eveRow = eve.getByTestId('explorer-row').filter({ hasText: `#${transferSeq}` })
  await expect(eveRow.getByTestId('explorer-yours')).toHaveText('Nothing of yours: ciphertext you cannot read', {
    timeout: 30_000,
  })
  for (const text of ['40 ANON', '60 ANON', '70.25 ANON', '29.75 ANON'])
    await expect(eve.getByText(text)).toHaveCount(0)
  await shoot(eve, 'eve-explorer')

  for (const context of Object.values(contexts)) await context.close()
})
