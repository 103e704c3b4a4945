/** What the journeys share: the terminal user's CLI against a stack of this run, dev wallets and joining the group. */
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { expect, type BrowserContext, type Page } from '@playwright/test'
import { bytesToHex, type Address, type Hex } from 'viem'
import { mnemonicToAccount } from 'viem/accounts'
import { E2E_DEPLOYMENT, E2E_PORT, KYC_E2E_DEPLOYMENT, KYC_E2E_PORT } from '../playwright.config'

/** anvil's account #5: the token issuer, at a terminal. */
export const TOKEN_ISSUER_KEY = '0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba'

/** One of the run's `anonify dev` stacks (playwright.config.ts): its web port (which also serves the node API). */
export type Stack = { port: number; deployment: string }
export const MAIN_STACK: Stack = { port: E2E_PORT, deployment: E2E_DEPLOYMENT }
export const KYC_STACK: Stack = { port: KYC_E2E_PORT, deployment: KYC_E2E_DEPLOYMENT }

/** Runs `anonify <command> …` against `stack` and its node; rejects (with stdout) on a non-zero exit. */
export const anonifyOn =
  ({ port, deployment }: Stack) =>
  (command: string, ...args: string[]) =>
    promisify(execFile)(process.execPath, [
      'cli/bin/anonify.js',
      command,
      ...args,
      '--node',
      `http://127.0.0.1:${port}`,
      '--deployment',
      deployment,
    ])

/** anvil's dev account `index` (its well-known mnemonic): the browser's dev wallet #index, with its public key. */
export function devAccount(index: number): { index: number; address: Address; key: Hex } {
  const account = mnemonicToAccount('test test test test test test test test test test test junk', {
    addressIndex: index,
  })
  return { index, address: account.address, key: bytesToHex(account.getHdKey().privateKey!) }
}

/** `anonify wallet <action>` as the holder of `key`, on `stack`. */
export const walletOn =
  (stack: Stack, key: Hex) =>
  (...args: string[]) =>
    anonifyOn(stack)('wallet', ...args, '--key', key)

/** `anonify wallet <action>` as the token issuer, on `stack`. */
export const tokenIssuerOn = (stack: Stack) => walletOn(stack, TOKEN_ISSUER_KEY)

/** The token is initialised once per chain, by whichever journey on `stack` comes first; the others' init is refused. */
export async function initTokenOnce(stack: Stack): Promise<void> {
  await tokenIssuerOn(stack)('init', '--json').catch((error: { stdout?: string }) => {
    const { outcome } = JSON.parse(error.stdout || '{}') as { outcome?: string }
    if (outcome !== 'the token is already initialised') throw error
  })
}

/**
 * Records in `context`'s pages every text the elements `testIds` showed, in order, however briefly (a short
 * catch-up or restore lasts a few frames): read with `recordedTexts`.
 */
export const recordTexts = (context: BrowserContext, testIds: string[]) =>
  context.addInitScript((ids) => {
    const seen: string[] = []
    const last = new Map<string, string>()
    ;(window as unknown as { recordedTexts: string[] }).recordedTexts = seen
    new MutationObserver(() => {
      for (const id of ids) {
        const text = document.querySelector(`[data-testid="${id}"]`)?.textContent
        // Gone: the same text shown again later is a new showing.
        if (!text) last.delete(id)
        if (!text || last.get(id) === text) continue
        last.set(id, text)
        seen.push(`${id}: ${text}`)
      }
    }).observe(document, { subtree: true, childList: true, characterData: true })
  }, testIds)

/** What `recordTexts` saw on `page`, as `testId: text`. */
export const recordedTexts = (page: Page) =>
  page.evaluate(() => (window as unknown as { recordedTexts: string[] }).recordedTexts)

/** Opens the wallet page in `context` as dev account `index`, connecting its dev wallet unless it reconnects. */
export async function openWallet(
  context: BrowserContext,
  { index, address }: { index: number; address: string },
  { connect }: { connect: boolean },
): Promise<Page> {
  const page = await context.newPage()
  await page.goto('/#/wallet')
  if (connect) await page.getByRole('button', { name: `Dev wallet · account #${index}` }).click()
  await expect(page.getByTestId('wallet-address')).toHaveText(address, { timeout: 30_000 })
  return page
}

/** Joins the group with this tab and waits until its enclave holds the epoch key (every join is a rekey). */
export async function joinGroup(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Run a replica in this tab' }).click()
  await holdsEpoch(page)
}

export const holdsEpoch = (page: Page) =>
  expect(page.getByTestId('enclave-membership')).toHaveText('member, holds the epoch key', { timeout: 90_000 })
