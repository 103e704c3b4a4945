/** The bench's JSON is a public interface: scripts read `gas.register` and `gas.rekey3`. */
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { REPO_ROOT } from '../../host/deployment/paths'

describe('anonify bench --json', () => {
  it('prints one JSON object with the gas of a registration and of a three-member rekey', { timeout: 120_000 }, async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['cli/bin/anonify.js', 'bench', '--json'], { cwd: REPO_ROOT })
    const result = JSON.parse(stdout) as { gas: { register: unknown; rekey3: unknown } }
    // Both are real receipts' gasUsed: a registration stores an enclave and verifies two signatures, so it is far
    // above a plain transfer's 21,000; a rekey carries three 80-byte shares.
    expect(result.gas.register).toBeGreaterThan(100_000)
    expect(result.gas.rekey3).toBeGreaterThan(50_000)
  })
})
