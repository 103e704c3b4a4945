/**
 * `anonify wallet`: a confidential wallet for people and scripts. It reads the epoch key from the chain itself
 * (never from the node), seals and signs commands locally, and hands only ciphertext to a node's relayer.
 */
import { getAddress, isAddress, zeroAddress, type Address } from 'viem'
import { OUTCOME_NAMES } from '../../enclave-wasm/envelopes/accountRead'
import { attributeNames, type IdentityReadSection } from '../../enclave-wasm/envelopes/apps/identity'
import type { CoreCommand } from '../../enclave-wasm/envelopes/coreCommands'
import { AnonifyError } from '../../host/errors/base'
import { historyDetail } from '../../host/wallet/historyDetail'
import { formatTokenAmount, parseTokenAmount, TOKEN_SYMBOL } from '../../host/wallet/tokenUnits'
import { defineCommand } from '../command'
import { integerOption, InvalidOptionError } from './parseOptions'
import { openWallet, postAndReport } from './walletContext'

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
    const context = await openWallet(values, 'anonify wallet')
    const { wallet, confidential, print } = context
    const read = confidential.read

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
        return `#${e.seq}  ${e.direction.padEnd(8)} ${e.op.padEnd(12)} ${historyDetail(e)}${party}${outcome}`
      })
      print(
        {
          account: wallet.address,
          seq,
          history: history.map((e) => ({
            ...e,
            detail: historyDetail(e),
            amount: formatTokenAmount(e.amount, { grouped: false }),
            amountBaseUnits: e.amount,
            outcome: OUTCOME_NAMES[e.code],
          })),
        },
        lines.length > 0 ? lines.join('\n') : 'No history yet.',
      )
      return 0
    }

    if (action === 'session-start') {
      const blocks = integerOption('blocks', values.blocks, 1, 10_000_000)
      return postAndReport(context, values, () =>
        confidential.startSession(blocks === undefined ? {} : { blocks: BigInt(blocks) }),
      )
    }
    if (action === 'session-end')
      return postAndReport(
        context,
        values,
        () => confidential.endSession(),
        async ({ receipt }) => {
          if (receipt.code === 0) await confidential.forgetSession()
        },
      )
    const command = commandOf(action, values)
    return postAndReport(context, values, () => confidential.send(command, { session: values.session === true }))
  },
})

/** The account's attestation in one line (the enclave reports the expiry block; the chain's head decides it). */
function describeIdentity({ present, attributes, jurisdiction, expiresBlock }: IdentityReadSection): string {
  if (!present) return 'Identity: no attestation.'
  return `Identity: ${attributeNames(attributes).join(', ') || 'no attributes'}, jurisdiction ${jurisdiction}, until block ${expiresBlock}.`
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
