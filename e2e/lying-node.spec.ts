/**
 * The web wallet against a node that lies (issue 14), in light mode: the page's /v1/reads answers are replaced on
 * their way, as a fake or compromised node would answer. A forged "balance 1,000,000, received 1,000,000 from Alice"
 * sealed to the page's own reply key, and an earlier genuine reply replayed to a later read, are each refused with
 * a message naming the node, and the page never shows the forged balance.
 */
import { readFile } from 'node:fs/promises'
import { expect, test, type Route } from '@playwright/test'
import type { Address, Hex } from 'viem'
import { parseDeployment } from '../host/deployment/parseDeployment'
import { forgeReadAnswer } from '../host/wallet/forgedReadAnswer.fixture'
import { initTokenOnce, MAIN_STACK, openWallet, tokenIssuerOn } from './journey'

const CAROL = { index: 3, address: '0x90F79bf6EB2c4f870365E785982E1f101E93b906' as Address }
const ALICE: Address = '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266'

type ReadBody = { account: Address; replyKey: Hex; requestNonce: Hex; expiresAt: string }

/** The review's forgery, sealed to the page's own reply key, at the genuine position. */
async function forgedAnswer(read: ReadBody, genuine: { seq: string; acc: Hex }) {
  const deployment = parseDeployment(JSON.parse(await readFile(MAIN_STACK.deployment, 'utf8')))
  return forgeReadAnswer({
    chainId: BigInt(deployment.chainId),
    ledger: deployment.contracts.ledger,
    read,
    seq: BigInt(genuine.seq),
    acc: genuine.acc,
    balance: 100_000_000n,
    from: ALICE,
  })
}

test('the web wallet refuses a forged reply and a replayed one, naming the node, and shows no forged balance', async ({
  browser,
}, testInfo) => {
  test.setTimeout(180_000)
  await initTokenOnce(MAIN_STACK)
  await tokenIssuerOn(MAIN_STACK)('mint', '--to', CAROL.address, '--amount', '7')
  const node = `http://127.0.0.1:${MAIN_STACK.port}/`

  // A fake node: every answer replaced by the forgery.
  const forging = await browser.newContext()
  await forging.route('**/v1/reads', async (route: Route) => {
    const genuine = (await (await route.fetch()).json()) as { seq: string; acc: Hex }
    const read = route.request().postDataJSON() as ReadBody
    await route.fulfill({ json: await forgedAnswer(read, genuine) })
  })
  const fooled = await openWallet(forging, CAROL, { connect: true })
  const refusal = fooled.getByRole('alert').filter({ hasText: 'Refused the reply' }).first()
  await expect(refusal).toContainText(`Refused the reply of ${node}`, { timeout: 30_000 })
  await expect(refusal).toContainText('never registered with this Ledger')
  await expect(fooled.getByTestId('balance')).toHaveCount(0)
  await expect(fooled.getByText('1,000,000')).toHaveCount(0)
  await fooled.screenshot({ path: testInfo.outputPath('forged-reply-refused.png'), fullPage: true })
  await forging.close()

  // A replaying node: the first genuine answer, served again to every later read.
  const replaying = await browser.newContext()
  let recorded: string | undefined
  await replaying.route('**/v1/reads', async (route: Route) => {
    if (recorded === undefined) {
      recorded = await (await route.fetch()).text()
      await route.fulfill({ body: recorded, contentType: 'application/json' })
    } else await route.fulfill({ body: recorded, contentType: 'application/json' })
  })
  const replayed = await openWallet(replaying, CAROL, { connect: true })
  await expect(replayed.getByTestId('balance')).toHaveText('7 ANON', { timeout: 30_000 })
  // Anything applied makes the page read again (pushed by the node): that read gets the recorded answer.
  await tokenIssuerOn(MAIN_STACK)('mint', '--to', CAROL.address, '--amount', '1')
  const replayRefusal = replayed.getByRole('alert').filter({ hasText: 'Refused the reply' }).first()
  await expect(replayRefusal).toContainText(`Refused the reply of ${node}`, { timeout: 30_000 })
  await expect(replayRefusal).toContainText(/not signed by enclave 0x[0-9a-fA-F]{40} over this request/)
  await replayed.screenshot({ path: testInfo.outputPath('replayed-reply-refused.png'), fullPage: true })
  await replaying.close()
})
