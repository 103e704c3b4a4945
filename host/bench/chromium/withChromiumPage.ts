/** Headless Chromium for the bench: Debian's build (never one Playwright downloads), launched as playwright.config.ts does. */
import { existsSync } from 'node:fs'
import type { Page } from 'playwright-core'
import { AnonifyError } from '../../errors/base'

/** The machine has no network: keep Chromium from trying to reach Google's services at start. */
const CHROMIUM_ARGS = [
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

/** No Chromium executable where the bench looks for one. */
export class ChromiumNotFoundError extends AnonifyError {
  override name = 'ChromiumNotFoundError' as const
  constructor({ executablePath }: { executablePath: string }) {
    super(`The bench measures the enclave in Chromium, and there is no Chromium at ${executablePath}.`, {
      metaMessages: ['Install it (`apt-get install -y chromium`) or set CHROMIUM_PATH to a Chromium executable.'],
    })
  }
}

/**
 * Opens `url` in a fresh headless Chromium, runs `task` on the page, then closes the browser.
 * @example
 * const title = await withChromiumPage(server.url, (page) => page.title())
 */
export async function withChromiumPage<T>(url: string, task: (page: Page) => Promise<T>): Promise<T> {
  const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
  if (!existsSync(executablePath)) throw new ChromiumNotFoundError({ executablePath })
  // Loaded here: every `anonify` command imports the bench module, and only the bench needs Playwright.
  const { chromium } = await import('playwright-core')
  const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS })
  try {
    const page = await browser.newPage()
    await page.goto(url)
    return await task(page)
  } finally {
    await browser.close()
  }
}
