import { readFile } from 'node:fs/promises'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { REPO_ROOT } from '../host/deployment/paths'
import { COMMANDS, main } from './main'

function captureOutput() {
  const out: string[] = []
  const err: string[] = []
  vi.spyOn(console, 'log').mockImplementation((...args) => void out.push(args.join(' ')))
  vi.spyOn(console, 'error').mockImplementation((...args) => void err.push(args.map(String).join(' ')))
  return { out: () => out.join('\n'), err: () => err.join('\n') }
}
afterEach(() => vi.restoreAllMocks())

describe('anonify', () => {
  it('--help lists every command with its one-line summary', async () => {
    const output = captureOutput()
    expect(await main(['--help'])).toBe(0)
    for (const command of COMMANDS)
      expect(output.out()).toMatch(
        new RegExp(`^  ${command.name}\\s+${command.summary.replace(/[()]/g, '\\$&')}$`, 'm'),
      )
  })

  it('error: an unknown command exits 2 and shows the help', async () => {
    const output = captureOutput()
    expect(await main(['launch'])).toBe(2)
    expect(output.err()).toContain('Unknown command "launch"')
  })

  it('error: an unknown option exits 2 and shows the command usage', async () => {
    const output = captureOutput()
    expect(await main(['status', '--colour'])).toBe(2)
    expect(output.err()).toContain('Usage: anonify status')
  })

  it('error: a malformed option value exits 1 with what was expected', async () => {
    const output = captureOutput()
    expect(await main(['dev', '--port', 'eighty'])).toBe(1)
    expect(output.err()).toContain('--port must be an integer from 0 to 65535, got "eighty".')
  })

  it('error: status without a deployment file says how to create one', async () => {
    const output = captureOutput()
    expect(await main(['status', '--deployment', '/nonexistent/deployment.json'])).toBe(1)
    expect(output.err()).toContain('No deployment file at /nonexistent/deployment.json.')
    expect(output.err()).toContain('npm start')
  })

  it('the README lists exactly the registered commands, with their summaries', async () => {
    const readme = await readFile(`${REPO_ROOT}README.md`, 'utf8')
    const cliSection = readme.slice(readme.indexOf('## CLI'), readme.indexOf('\n## ', readme.indexOf('## CLI') + 1))
    const listed = [...cliSection.matchAll(/^anonify (\w+) {2,}(.+)$/gm)].map((m) => ({ name: m[1], summary: m[2] }))
    expect(listed).toEqual(COMMANDS.map(({ name, summary }) => ({ name, summary })))
  })
})
