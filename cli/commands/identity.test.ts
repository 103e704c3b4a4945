/** `anonify identity` refuses bad input before it touches a key, a file or the network, saying what it expected. */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { main } from '../main'

const SUBJECT = '0x1234567890abcdef1234567890abcdef12345678'

async function run(...argv: string[]) {
  const err: string[] = []
  vi.spyOn(console, 'error').mockImplementation((...args) => void err.push(args.map(String).join(' ')))
  vi.spyOn(console, 'log').mockImplementation(() => {})
  const code = await main(['identity', ...argv])
  return { code, err: err.join('\n') }
}
afterEach(() => vi.restoreAllMocks())

describe('anonify identity', () => {
  it.each([
    [[], 'needs one action: attest, revoke, show, grant-issuer'],
    [['certify', SUBJECT], 'needs one action'],
    [['attest'], 'Give the account to attest as a 0x address.'],
    [['attest', '0x12', '--kyc', '--expires', '9'], 'Give the account to attest as a 0x address, got "0x12".'],
    [['attest', SUBJECT, '--expires', '9'], 'An attestation needs at least one attribute.'],
    [['attest', SUBJECT, '--kyc'], 'An attestation needs --expires BLOCK'],
    [['attest', SUBJECT, '--kyc', '--expires', 'soon'], '--expires must be the last block'],
    [['attest', SUBJECT, '--kyc', '--expires', '18446744073709551616'], '--expires must be the last block'],
    [['attest', SUBJECT, '--kyc', '--expires', '9', '--jurisdiction', 'XQ'], '"XQ" is not a jurisdiction'],
    [['revoke', SUBJECT, '--accredited'], 'apply to attest only'],
    [['grant-issuer', 'carol'], 'Give the new KYC issuer as a 0x address, got "carol".'],
    [['grant-issuer', SUBJECT, '--key', '0x12'], '--key must be a private key'],
  ])('error: %j exits 1 with a clear reason', async (argv, message) => {
    const { code, err } = await run(...argv)
    expect(code).toBe(1)
    expect(err).toContain(message)
  })

  it('error: a missing key names both ways to give one, the governor key for grant-issuer', async () => {
    vi.stubEnv('ANONIFY_WALLET_KEY', '')
    vi.stubEnv('ANONIFY_GOVERNOR_KEY', '')
    expect((await run('show')).err).toContain('Pass --key 0x… or set ANONIFY_WALLET_KEY.')
    expect((await run('grant-issuer', SUBJECT)).err).toContain('Pass --key 0x… or set ANONIFY_GOVERNOR_KEY.')
    vi.unstubAllEnvs()
  })
})
