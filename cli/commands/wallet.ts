/**
 * `anonify wallet`: a confidential wallet for people and scripts. It reads the epoch key from the chain itself
 * (never from the node), seals and signs commands locally, and hands only ciphertext to a node's relayer.
 */
import { getAddress, isAddress, zeroAddress, type Address, type Hex } from 'viem'
import { privateKeyToAccount, type PrivateKeyAccount } from 'viem/accounts'
import { OUTCOME_NAMES } from '../../enclave-wasm/envelopes/accountRead'
import { attributeNames, type IdentityReadSection } from '../../enclave-wasm/envelopes/apps/identity'
import type { CoreCommand } from '../../enclave-wasm/envelopes/coreCommands'
import { createLedgerClients } from '../../host/chain/createLedgerClients'
import { readDeployment } from '../../host/deployment/deploymentFile'
import { DEFAULT_DEPLOYMENT_PATH, resolveRepoPath } from '../../host/deployment/paths'
import { AnonifyError } from '../../host/errors/base'
import { createNodeClient } from '../../host/relayer/createNodeClient'
import { fileStore } from '../../host/storage/fileStore'
import { createConfidentialWallet, type PostedCommand } from '../../host/wallet/confidentialWallet'
import { blobSessionStore } from '../../host/wallet/sessionStore'
import { formatTokenAmount, parseTokenAmount, TOKEN_SYMBOL } from '../../host/wallet/tokenUnits'
import { defineCommand } from '../command'
import { DEFAULT_NODE_PORT } from './node'
import { integerOption, InvalidOptionError, stringOption, urlOption } from './parseOptions'
import { sessionFilePath } from './walletSessionFile'

/** Where session keys are kept, one 0600 file per deployment and account. */
const SESSIONS_DIR = '.anonify/sessions'

const ACTIONS = ['balance', 'history', 'transfer', 'mint', 'init', 'session-start', 'session-end'] as const
type Action = (typeof ACTIONS)[number]

export const walletCommand = defineCommand({
  usage: [
    'anonify wallet balance --key K [--node URL] [--json]',
    'anonify wallet history --key K [--json]    (sent, received and refused, with reasons)',
    'anonify wallet transfer --key K --to ADDRESS --amount N [--session] [--no-wait] [--json]',
    'anonify wallet session-start --key K [--blocks N]   (one signature; then `transfer --session` signs nothing)',
    'anonify wallet session-end --key K',
    'anonify wallet init --key K          (become the token issuer, once)',
    'anonify wallet mint --key K --to ADDRESS --amount N   (issuer only)',
    'Amounts are in ANON with 2 decimals (--amount 12.50); --json adds base units (1 ANON = 100).',
    'The key may come from ANONIFY_WALLET_KEY instead of --key, which other users can see in `ps`.',
  ],
  positionals: true,
  options: {
    key: { type: 'string' },
    to: { type: 'string' },
    amount: { type: 'string' },
    node: { type: 'string' },
    rpc: { type: 'string' },
    deployment: { type: 'string' },
    'no-wait': { type: 'boolean' },
    session: { type: 'boolean' },
    blocks: { type: 'string' },
    json: { type: 'boolean' },
  },
  async run(values, positionals) {
    const action = positionals[0] as Action | undefined
    if (!action || !ACTIONS.includes(action) || positionals.length > 1)
      throw new AnonifyError(`anonify wallet needs one action: ${ACTIONS.join(', ')}.`, {
        metaMessages: ['Example: anonify wallet balance --key 0x…'],
      })
    if (values.session && action !== 'transfer')
      throw new AnonifyError('--session applies to transfer only.', {
        metaMessages: ['A session carries transfers; everything else is signed by the wallet.'],
      })
    const wallet = walletAccount(values.key)
    const deployment = await readDeployment(resolveRepoPath(stringOption(values.deployment, DEFAULT_DEPLOYMENT_PATH)))
    const rpcUrl = urlOption('rpc', values.rpc) ?? deployment.rpcUrl
    const node = createNodeClient(urlOption('node', values.node) ?? `http://127.0.0.1:${DEFAULT_NODE_PORT}`)
    const chainId = BigInt(deployment.chainId)
    const ledger = deployment.contracts.ledger
    const { publicClient } = createLedgerClients({ rpcUrl, chainId: deployment.chainId, account: wallet.address })
    const sessionPath = sessionFilePath(resolveRepoPath(SESSIONS_DIR), chainId, ledger, wallet.address)
    const confidential = createConfidentialWallet({
      chainId,
      ledger,
      account: wallet.address,
      signTypedData: (typedData) => wallet.signTypedData(typedData),
      publicClient,
      fromBlock: BigInt(deployment.deployBlock),
      reader: node,
      poster: node,
      sessions: blobSessionStore(fileStore(sessionPath), sessionPath),
    })
    const read = confidential.read
    const print = (result: Record<string, unknown>, text: string) =>
      console.log(
        values.json ? JSON.stringify(result, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 2) : text,
      )

    if (action === 'balance') {
      const { apps, nonce, seq } = await read()
      const { balance } = apps.token
      const text = formatTokenAmount(balance, { grouped: false })
      print(
        { account: wallet.address, balance: text, balanceBaseUnits: balance, nonce, seq, identity: apps.identity },
        `${wallet.address}: ${text} ${TOKEN_SYMBOL} (next nonce ${nonce}, as of input ${seq})\n${describeIdentity(apps.identity)}`,
      )
      return 0
    }

    if (action === 'history') {
      const { history, seq } = await read()
      const lines = history.map((e) => {
        const outcome = e.code === 0 ? '' : `  REFUSED: ${OUTCOME_NAMES[e.code] ?? `code ${e.code}`}`
        const party =
          e.counterparty === zeroAddress ? '' : ` ${e.direction === 'sent' ? 'to' : 'from'} ${e.counterparty}`
        return `#${e.seq}  ${e.direction.padEnd(8)} ${e.op.padEnd(12)} ${formatTokenAmount(e.amount)}${party}${outcome}`
      })
      print(
        {
          account: wallet.address,
          seq,
          history: history.map((e) => ({
            ...e,
            amount: formatTokenAmount(e.amount, { grouped: false }),
            amountBaseUnits: e.amount,
            outcome: OUTCOME_NAMES[e.code],
          })),
        },
        lines.length > 0 ? lines.join('\n') : 'No history yet.',
      )
      return 0
    }

    let posted: PostedCommand
    if (action === 'session-start') {
      const blocks = integerOption('blocks', values.blocks, 1, 10_000_000)
      posted = await confidential.startSession(blocks === undefined ? {} : { blocks: BigInt(blocks) })
    } else if (action === 'session-end') {
      posted = await confidential.endSession()
    } else {
      posted = await confidential.send(commandOf(action, values), { session: values.session === true })
    }
    if (values['no-wait']) {
      print({ accepted: true, nonce: posted.nonce }, 'Sealed and handed to the relayer.')
      return 0
    }
    const after = await confidential.waitForReceipt(posted)
    const { receipt } = after
    const applied = receipt.code === 0
    if (action === 'session-end' && applied) await confidential.forgetSession()
    const outcome = OUTCOME_NAMES[receipt.code] ?? `failure code ${receipt.code}`
    const balance = formatTokenAmount(after.apps.token.balance, { grouped: false })
    print(
      {
        accepted: true,
        applied,
        outcome,
        code: receipt.code,
        balance,
        balanceBaseUnits: after.apps.token.balance,
        nonce: after.nonce,
        seq: receipt.seq,
      },
      applied
        ? `Applied at input ${receipt.seq}. Balance: ${balance}.`
        : `Refused at input ${receipt.seq}: ${outcome}. Balance: ${balance}.`,
    )
    return applied ? 0 : 1
  },
})

/** The account's attestation in one line (the enclave reports the expiry block; the chain's head decides it). */
function describeIdentity({ present, attributes, jurisdiction, expiresBlock }: IdentityReadSection): string {
  if (!present) return 'Identity: no attestation.'
  return `Identity: ${attributeNames(attributes).join(', ') || 'no attributes'}, jurisdiction ${jurisdiction}, until block ${expiresBlock}.`
}

function walletAccount(flag: string | boolean | undefined): PrivateKeyAccount {
  const key = typeof flag === 'string' ? flag : process.env.ANONIFY_WALLET_KEY
  if (!key)
    throw new AnonifyError('anonify wallet needs a key.', {
      metaMessages: ['Pass --key 0x… or set ANONIFY_WALLET_KEY.'],
    })
  if (!/^0x[0-9a-fA-F]{64}$/.test(key))
    throw new InvalidOptionError({ option: 'key', expected: 'a private key (0x and 64 hex digits)', value: '(hidden)' })
  return privateKeyToAccount(key as Hex)
}

function commandOf(
  action: 'transfer' | 'mint' | 'init',
  values: Record<string, string | boolean | undefined>,
): CoreCommand {
  if (action === 'init') return { op: 'init' }
  const to = values.to
  if (typeof to !== 'string' || !isAddress(to))
    throw new InvalidOptionError({ option: 'to', expected: 'an address', value: String(to) })
  const amount = parseAmountOption(values.amount)
  return { op: action, to: getAddress(to) as Address, amount }
}

function parseAmountOption(value: string | boolean | undefined): bigint {
  if (typeof value !== 'string')
    throw new InvalidOptionError({ option: 'amount', expected: `an amount of ${TOKEN_SYMBOL}`, value: String(value) })
  return parseTokenAmount(value)
}
