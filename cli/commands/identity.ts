/**
 * `anonify identity`: the identity app from the command line. The KYC issuer attests and revokes attributes
 * (sealed commands, like `anonify wallet`); anyone shows what their own history says; governance grants the issuer
 * role with a transaction on the Ledger (GOVERNOR_ROLE), which every enclave applies from the input stream.
 */
import { getAddress, isAddress, type Address } from 'viem'
import { ATTRIBUTES } from '../../enclave-wasm/envelopes/apps/identityFacts'
import { createLedgerClients } from '../../host/chain/createLedgerClients'
import { AnonifyError } from '../../host/errors/base'
import { grantIdentityIssuer } from '../../host/ledger/governance'
import { describeAttestation } from '../../host/wallet/historyDetail'
import { identityFromHistory } from '../../host/wallet/identityFromHistory'
import { formatJurisdiction, parseJurisdiction } from '../../host/wallet/jurisdictions'
import { defineCommand } from '../command'
import { InvalidOptionError, urlOption } from './parseOptions'
import { deploymentOf, keyAccount, openWallet, postAndReport, printer } from './walletContext'

const ACTIONS = ['attest', 'revoke', 'show', 'grant-issuer'] as const
type Action = (typeof ACTIONS)[number]
type Values = Record<string, string | boolean | undefined>

/** The largest u64: an attestation's expiry block. */
const MAX_BLOCK = (1n << 64n) - 1n

export const identityCommand = defineCommand({
  usage: [
    'anonify identity attest ACCOUNT --key K [--kyc] [--accredited] [--jurisdiction XX] --expires BLOCK [--json]',
    'anonify identity revoke ACCOUNT --key K [--json]      (KYC issuer only, like attest)',
    'anonify identity show [ACCOUNT] --key K [--json]      (your own attestation, or, as issuer, what you attested)',
    'anonify identity grant-issuer ADDRESS --key GOVERNOR [--json]   (GOVERNOR_ROLE: a transaction on the Ledger)',
    'The jurisdiction is an ISO 3166-1 alpha-2 code (JP, US, …) or a numeric code; the expiry is the last block.',
    'Keys may come from ANONIFY_WALLET_KEY (grant-issuer: ANONIFY_GOVERNOR_KEY) instead of --key.',
  ],
  positionals: true,
  options: {
    key: { type: 'string' },
    kyc: { type: 'boolean' },
    accredited: { type: 'boolean' },
    jurisdiction: { type: 'string' },
    expires: { type: 'string' },
    node: { type: 'string' },
    rpc: { type: 'string' },
    deployment: { type: 'string' },
    'no-wait': { type: 'boolean' },
    json: { type: 'boolean' },
  },
  async run(values, positionals) {
    const action = positionals[0] as Action | undefined
    if (!action || !ACTIONS.includes(action) || positionals.length > 2)
      throw new AnonifyError(`anonify identity needs one action: ${ACTIONS.join(', ')}.`, {
        metaMessages: ['Example: anonify identity attest 0x… --kyc --jurisdiction JP --expires 100000 --key 0x…'],
      })
    const target = positionals[1]
    if (action !== 'attest' && (values.kyc || values.accredited || values.jurisdiction || values.expires))
      throw new AnonifyError('--kyc, --accredited, --jurisdiction and --expires apply to attest only.')
    if (action === 'grant-issuer') return grantIssuer(values, accountArgument(target, 'the new KYC issuer'))
    // Validated before any key, file or network is touched.
    if (action === 'attest') {
      const command = attestCommand(accountArgument(target, 'the account to attest'), values)
      const context = await openWallet(values, 'anonify identity')
      return postAndReport(context, values, () => context.confidential.send(command))
    }
    if (action === 'revoke') {
      const subject = accountArgument(target, 'the account to revoke')
      const context = await openWallet(values, 'anonify identity')
      return postAndReport(context, values, () => context.confidential.send({ op: 'revoke', subject }))
    }
    return show(values, target === undefined ? undefined : accountArgument(target, 'the account to show'))
  },
})

function accountArgument(value: string | undefined, what: string): Address {
  if (value === undefined || !isAddress(value, { strict: false }))
    throw new AnonifyError(`Give ${what} as a 0x address${value === undefined ? '' : `, got "${value}"`}.`)
  return getAddress(value)
}

function attestCommand(subject: Address, values: Values) {
  const attributes = (values.kyc ? ATTRIBUTES.kyc : 0) | (values.accredited ? ATTRIBUTES.accredited : 0)
  if (attributes === 0)
    throw new AnonifyError('An attestation needs at least one attribute.', {
      metaMessages: ['Pass --kyc and/or --accredited (to take attributes away, revoke).'],
    })
  const jurisdiction = typeof values.jurisdiction === 'string' ? parseJurisdiction(values.jurisdiction) : 0
  if (values.expires === undefined)
    throw new AnonifyError('An attestation needs --expires BLOCK: the last block at which it holds.')
  const expires = typeof values.expires === 'string' && /^\d+$/.test(values.expires) ? BigInt(values.expires) : -1n
  if (expires < 0n || expires > MAX_BLOCK)
    throw new InvalidOptionError({
      option: 'expires',
      expected: 'the last block the attestation holds at (a block number)',
      value: String(values.expires),
    })
  return { op: 'attest', subject, attributes, jurisdiction, expiresBlock: expires } as const
}

/** Prints `subject`'s attestation as the key's own history tells it (the key's own account by default). */
async function show(values: Values, subject: Address | undefined): Promise<number> {
  const { wallet, confidential, publicClient, print } = await openWallet(values, 'anonify identity')
  const account = subject ?? wallet.address
  const [{ history, seq }, block] = await Promise.all([confidential.read(), publicClient.getBlockNumber()])
  const standing = identityFromHistory(history, { reader: wallet.address, subject: account })
  if (standing.state !== 'attested') {
    const text =
      standing.state === 'revoked'
        ? `${account}: attestation revoked at input ${standing.seq}.`
        : `${account}: no attestation in ${subject && subject !== wallet.address ? 'what this key attested' : 'its recent history'}.`
    print({ account, state: standing.state, seq }, text)
    return 0
  }
  const { attestation, issuer } = standing
  const expired = block > attestation.expiresBlock
  print(
    {
      account,
      state: expired ? 'expired' : 'attested',
      kyc: (attestation.attributes & ATTRIBUTES.kyc) !== 0,
      accredited: (attestation.attributes & ATTRIBUTES.accredited) !== 0,
      jurisdiction: formatJurisdiction(attestation.jurisdiction),
      expiresBlock: attestation.expiresBlock,
      issuer,
      attestedAt: standing.seq,
      block,
    },
    `${account}: ${describeAttestation(attestation)}${expired ? ' (EXPIRED)' : ''}, by ${issuer} at input ${standing.seq}.`,
  )
  return 0
}

/** Sends Ledger.grantIdentityIssuer from the governor's key. */
async function grantIssuer(values: Values, issuer: Address): Promise<number> {
  const governor = keyAccount(values.key, 'ANONIFY_GOVERNOR_KEY', 'anonify identity grant-issuer')
  const deployment = await deploymentOf(values)
  const clients = createLedgerClients({
    rpcUrl: urlOption('rpc', values.rpc) ?? deployment.rpcUrl,
    chainId: deployment.chainId,
    account: governor,
  })
  const receipt = await grantIdentityIssuer(clients, { ledger: deployment.contracts.ledger, issuer })
  printer(values.json === true)(
    { issuer, governor: governor.address, transactionHash: receipt.transactionHash, blockNumber: receipt.blockNumber },
    `Granted the KYC issuer role to ${issuer} in block ${receipt.blockNumber}; the enclaves apply it as they follow the chain.`,
  )
  return 0
}
