/**
 * Issue 12's journey in the browser: the seed (the token issued to Alice, Alice pays Bob 60), then the token issuer
 * requires KYC from its panel; Alice -> Carol (no KYC) is refused with the code's message in her wallet; governance
 * grants the KYC issuer role on the Ledger (a terminal, the governor's key); the KYC issuer attests Carol on the
 * Identity page; the same transfer then applies. The journey has a stack of its own (playwright.config.ts). Carol and
 * Bob need no browser: nothing here reads their accounts.
 */
import { expect, test, type Page } from '@playwright/test'
import { anonifyOn, holdsEpoch, joinGroup, KYC_STACK, openWallet, tokenIssuerOn } from './journey'

const ALICE = { index: 3, address: '0x90F79bf6EB2c4f870365E785982E1f101E93b906' }
const KYC_ISSUER = { index: 4, address: '0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65' }
// The token issuer's account (#5), in a browser here for its panel; the wallet journey drives it from a terminal.
const TOKEN_ISSUER = { index: 5, address: '0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc' }
const BOB = '0x976EA74026E726554dB657fA54763abd0C3a0aa9'
const CAROL = '0x14dC79964da2C08b23698B3D3cc7Ca32193d9955'
// anvil's account #0 deploys the dev stack, so it holds GOVERNOR_ROLE.
const GOVERNOR_KEY = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80'

const anonify = anonifyOn(KYC_STACK)
const tokenIssuer = tokenIssuerOn(KYC_STACK)

async function send(page: Page, to: string, amount: string) {
  await page.getByLabel('Recipient').fill(to)
  await page.getByLabel('Amount (ANON)').fill(amount)
  await page.getByRole('button', { name: 'Send confidentially' }).click()
}

test('KYC gates the token: Alice -> Carol is refused with its reason, applies once the KYC issuer attests Carol', async ({
  browser,
}, testInfo) => {
  test.setTimeout(420_000)
  const shoot = (page: Page, name: string) =>
    page.screenshot({ path: testInfo.outputPath(`${name}.png`), fullPage: true })
  const contexts = [await browser.newContext(), await browser.newContext(), await browser.newContext()] as const
  const alice = await openWallet(contexts[0], ALICE, { connect: true })
  await joinGroup(alice)
  const kyc = await openWallet(contexts[1], KYC_ISSUER, { connect: true })
  await joinGroup(kyc)
  const issuer = await openWallet(contexts[2], TOKEN_ISSUER, { connect: true })
  await joinGroup(issuer)
  for (const page of [alice, kyc]) await holdsEpoch(page)

  // The seed: the token issued to Alice from a terminal, then Alice pays Bob 60 from her wallet.
  await tokenIssuer('init')
  await tokenIssuer('mint', '--to', ALICE.address, '--amount', '100')
  await expect(alice.getByTestId('balance')).toHaveText('100 ANON', { timeout: 30_000 })
  await send(alice, BOB, '60')
  await expect(alice.getByTestId('transfer-outcome')).toHaveText(/^Applied at input \d+\.$/, { timeout: 60_000 })
  await expect(alice.getByTestId('balance')).toHaveText('40 ANON')

  // The token issuer requires KYC of recipients, from its panel.
  await issuer.getByText('Issuer tools').click()
  await expect(issuer.getByLabel('KYC passed')).toBeChecked()
  await issuer.getByRole('button', { name: 'Require attributes' }).click()
  await expect(issuer.getByTestId('require-outcome')).toHaveText(/^Applied at input \d+\.$/, { timeout: 60_000 })
  await shoot(issuer, 'token-issuer-requires-kyc')

  // Carol holds no KYC attestation: the enclave refuses the transfer and Alice's wallet says why.
  await send(alice, CAROL, '10')
  await expect(alice.getByTestId('transfer-outcome')).toHaveText(
    /^Refused at input \d+: the recipient lacks the identity attributes this token requires \(e\.g\. KYC\)\.$/,
    { timeout: 60_000 },
  )
  await expect(alice.getByTestId('balance')).toHaveText('40 ANON')
  await expect(alice.getByTestId('history-row').first()).toContainText('refused: the recipient lacks')
  await shoot(alice, 'alice-refused')

  // Governance grants the KYC issuer role on the Ledger; the issuer's own history shows it.
  await anonify('identity', 'grant-issuer', KYC_ISSUER.address, '--key', GOVERNOR_KEY)
  await kyc.getByRole('link', { name: 'Identity' }).click()
  await expect(kyc.getByTestId('kyc-issuer-status')).toContainText('Governance granted you the KYC issuer role', {
    timeout: 30_000,
  })

  // Form validation first: a bad account and an unknown jurisdiction are refused in the page.
  await kyc.getByLabel('Account').fill('0xcar01')
  await kyc.getByRole('button', { name: 'Attest' }).click()
  await expect(kyc.getByText('Enter the account as a 0x address')).toBeVisible()
  await kyc.getByLabel('Account').fill(CAROL)
  await kyc.getByLabel('Jurisdiction (ISO code, e.g. JP; optional)').fill('XQ')
  await kyc.getByRole('button', { name: 'Attest' }).click()
  await expect(kyc.getByText('"XQ" is not a jurisdiction this wallet knows.')).toBeVisible()
  await kyc.getByLabel('Jurisdiction (ISO code, e.g. JP; optional)').fill('JP')
  await kyc.getByRole('button', { name: 'Attest' }).click()
  await expect(kyc.getByTestId('kyc-outcome')).toHaveText(/^Applied at input \d+\.$/, { timeout: 60_000 })
  await expect(kyc.getByTestId('issued-row')).toContainText(/kyc · JP · until block \d+/)
  await shoot(kyc, 'kyc-issuer-identity-page')

  // The same transfer now applies.
  await send(alice, CAROL, '10')
  await expect(alice.getByTestId('transfer-outcome')).toHaveText(/^Applied at input \d+\.$/, { timeout: 60_000 })
  await expect(alice.getByTestId('balance')).toHaveText('30 ANON')
  // Any account sees its own attributes on the Identity page, read from its own history.
  await alice.getByRole('link', { name: 'Identity' }).click()
  await expect(alice.getByTestId('your-attributes')).toContainText('No attestation yet')
  await kyc.getByLabel('Account').fill(ALICE.address)
  await kyc.getByLabel('Accredited investor').check()
  await kyc.getByLabel('Jurisdiction (ISO code, e.g. JP; optional)').fill('')
  await kyc.getByRole('button', { name: 'Attest' }).click()
  await expect(kyc.getByTestId('kyc-outcome')).toHaveText(/^Applied at input \d+\.$/, { timeout: 60_000 })
  await expect(alice.getByTestId('your-attributes')).toHaveText('KYC, accredited', { timeout: 30_000 })
  await shoot(alice, 'alice-identity-page')

  // The explorer names the governance input and tells the KYC issuer what it did.
  await kyc.getByRole('link', { name: 'Explorer' }).click()
  await expect(kyc.getByTestId('explorer-row').filter({ hasText: 'KYC issuer granted (governance)' })).toContainText(
    'Governance made you the KYC issuer',
    { timeout: 30_000 },
  )
  await expect(kyc.getByTestId('explorer-yours').filter({ hasText: 'kyc · JP' })).toContainText('You attested')
  await shoot(kyc, 'kyc-issuer-explorer')

  for (const context of contexts) await context.close()
})
