/** The bench's JSON is a public interface: scripts read these field names. */
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { REPO_ROOT } from '../../host/deployment/paths'

describe('anonify bench --json', () => {
  it('prints one JSON object with gas, gas per transfer, apply rates in Node and Chromium, the 100k replay and latency', {
    timeout: 300_000,
  }, async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['cli/bin/anonify.js', 'bench', '--json'], {
      cwd: REPO_ROOT,
    })
    const result = JSON.parse(stdout) as {
      gas: {
        register: number
        rekey3: number
        ack3: number
        rekeySettle: number
        checkpoint2: number
        checkpoint5: number
        erc20Transfer: number
        erc20TransferToNewHolder: number
        lightUserOnboarding: number
      }
      reads: { perSecond: number; verifiedPerSecond: number }
      gasRatioToErc20: { session128: number; sealed128: number }
      gasPerTransfer: { batch1: number; batch16: number; batch128: number }
      gasPerTransferSealed: { batch1: number; batch16: number; batch128: number }
      applyRate: { sealed: number; session: number }
      applyRateChromium: { sealed: number; session: number }
      latency_ms: { p50: number; p95: number }
      replay100k_s: number
      join: { restore10k_s: number }
      snapshot: { bytesPerAccount: number }
    }
    // Both are real receipts' gasUsed: a registration stores an enclave and verifies two signatures, so it is far
    // above a plain transfer's 21,000; a rekey carries three 80-byte shares.
    expect(result.gas.register).toBeGreaterThan(100_000)
    expect(result.gas.rekey3).toBeGreaterThan(50_000)
    expect(result.gas.ack3).toBeGreaterThan(21_000)
    expect(result.gas.rekeySettle).toBeGreaterThan(21_000)
    // A checkpoint recovers one signature per signer and appends itself to the stream with all of them: each extra
    // signature adds a recovery and its calldata, so five cost more than two.
    for (const gas of [result.gas.checkpoint2, result.gas.checkpoint5]) {
      expect(Number.isInteger(gas)).toBe(true)
      expect(gas).toBeGreaterThan(21_000)
    }
    expect(result.gas.checkpoint5).toBeGreaterThan(result.gas.checkpoint2)
    // The public baseline, measured on the same chain: OpenZeppelin's transfer to an existing holder is above the
    // 21,000 base and below one that writes a new balance slot; the ratio is the two measured figures' quotient.
    expect(result.gas.erc20Transfer).toBeGreaterThan(21_000)
    expect(result.gas.erc20Transfer).toBeLessThan(result.gas.erc20TransferToNewHolder)
    expect(result.gasRatioToErc20.session128).toBeCloseTo(result.gasPerTransfer.batch128 / result.gas.erc20Transfer, 2)
    // Batching amortises the 21,000-gas transaction base: a record in a batch of 128 costs less than one alone.
    expect(result.gasPerTransfer.batch128).toBeLessThan(result.gasPerTransfer.batch1)
    expect(result.gasPerTransferSealed.batch128).toBeLessThan(result.gasPerTransferSealed.batch1)
    // A 96-byte session record costs less calldata than a 312-byte sealed one.
    expect(result.gasPerTransfer.batch128).toBeLessThan(result.gasPerTransferSealed.batch128)
    // The joiner's restore is checked inside the bench (same root as the member it joined); a snapshot holds at least
    // each account's address and balance, and stays compact (the sealed state took ~154 bytes per junk account).
    expect(result.join.restore10k_s).toBeGreaterThan(0)
    expect(result.snapshot.bytesPerAccount).toBeGreaterThan(20)
    expect(result.snapshot.bytesPerAccount).toBeLessThan(400)
    expect(result.applyRate.sealed).toBeGreaterThan(0)
    expect(result.applyRate.session).toBeGreaterThan(0)
    // Measured in headless Chromium, which the bench checks applied every transfer.
    expect(result.applyRateChromium.sealed).toBeGreaterThan(0)
    expect(result.applyRateChromium.session).toBeGreaterThan(0)
    // The bench itself checks every replayed transfer arrived; here only that it reported a duration.
    expect(result.replay100k_s).toBeGreaterThan(0)
    expect(result.latency_ms.p95).toBeGreaterThanOrEqual(result.latency_ms.p50)
    // Light wallets: one node answers authenticated reads, and a user reads, sends and sees it applied with no
    // transaction of its own (the bench counts the gas of every transaction its address sent meanwhile).
    expect(result.reads.perSecond).toBeGreaterThan(0)
    expect(result.reads.verifiedPerSecond).toBeGreaterThan(0)
    expect(result.gas.lightUserOnboarding).toBe(0)
  })
})
