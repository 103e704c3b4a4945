/**
 * `anonify wallet`: a confidential wallet for people and scripts. It reads the epoch key from the chain itself
 * (never from the node), seals and signs commands locally, and hands only ciphertext to a node's relayer.
 */
import { getAddress, isAddress, zeroAddress, type Address, type Hex } from 'viem'
import { privateKeyToAccount, type PrivateKeyAccount } from 'viem/accounts'
import { OUTCOME_NAMES, type AccountReply } from '../../enclave-wasm/envelopes/accountRead'
import type { CoreCommand } from '../../enclave-wasm/envelopes/coreCommands'
import { MAX_U128 } from '../../enclave-wasm/envelopes/coreCommands'
import { createLedgerClients } from '../../host/chain/createLedgerClients'
import { readDeployment } from '../../host/deployment/deploymentFile'
import { DEFAULT_DEPLOYMENT_PATH, resolveRepoPath } from '../../host/deployment/paths'
import { readAccount } from '../../host/envelopes/readAccount'
import { createWalletSession } from '../../host/envelopes/createWalletSession'
import { sealCommand } from '../../host/envelopes/sealCommand'
import { AnonifyError } from '../../host/errors/base'
import { readGroup } from '../../host/ledger/readGroup'
import { createNodeClient } from '../../host/relayer/createNodeClient'
import { defineCommand } from '../command'
import { DEFAULT_NODE_PORT } from './node'
import { integerOption, InvalidOptionError, stringOption, urlOption } from './parseOptions'
import { forgetSession, loadSession, saveSession, sessionFilePath } from './walletSessionFile'

/** Where session keys are kept, one 0600 file per deployment and account. */
const SESSIONS_DIR = '.anonify/sessions'

/** Blocks a command stays valid for once signed. */
const DEADLINE_BLOCKS = 64n
/** How long `--wait` (the default) waits for the command to be applied. */
const WAIT_MS = 30_000

/** Blocks a session lasts unless --blocks says otherwise (it also ends at the next rekey). */
const SESSION_BLOCKS = 10_000n

const ACTIONS = ['balance', 'history', 'transfer', 'mint', 'init', 'session-start', 'session-end'] as const
type Action = (typeof ACTIONS)[number]

export const walletCommand = defineCommand({
  name: 'wallet',
  summary: 'Confidential wallet: balance, history, transfer, mint, init, sessions — sealed locally, relayed by a node (--json)',
  usage: [
    'anonify wallet balance --key K [--node URL] [--json]',
    'anonify wallet history --key K [--json]    (sent, received and refused, with reasons)',
    'anonify wallet transfer --key K --to ADDRESS --amount N [--session] [--no-wait] [--json]',
    'anonify wallet session-start --key K [--blocks N]   (one signature; then `transfer --session` signs nothing)',
    'anonify wallet session-end --key K',
    'anonify wallet init --key K          (become the token issuer, once)',
    'anonify wallet mint --key K --to ADDRESS --amount N   (issuer only)',
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
      throw new AnonifyError(`anonify wallet needs one action: ${ACTIONS.join(', ')}.`, { metaMessages: ['Example: anonify wallet balance --key 0x…'] })
    if (values.session && action !== 'transfer')
      throw new AnonifyError('--session applies to transfer only.', { metaMessages: ['A session carries transfers; everything else is signed by the wallet.'] })
    const wallet = walletAccount(values.key)
    const deployment = await readDeployment(resolveRepoPath(stringOption(values.deployment, DEFAULT_DEPLOYMENT_PATH)))
    const rpcUrl = urlOption('rpc', values.rpc) ?? deployment.rpcUrl
    const node = createNodeClient(urlOption('node', values.node) ?? `http://127.0.0.1:${DEFAULT_NODE_PORT}`)
    const chainId = BigInt(deployment.chainId)
    const ledger = deployment.contracts.ledger
    const read = () => readAccount(node, { chainId, ledger, account: wallet.address, signTypedData: (t) => wallet.signTypedData(t) })
    const print = (result: Record<string, unknown>, text: string) => console.log(values.json ? JSON.stringify(result, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 2) : text)

    if (action === 'balance') {
      const { balance, nonce, seq } = await read()
      print({ account: wallet.address, balance, nonce, seq }, `${wallet.address}: ${balance} (next nonce ${nonce}, as of input ${seq})`)
      return 0
    }

    if (action === 'history') {
      const { history, seq } = await read()
      const lines = history.map((e) => {
        const outcome = e.code === 0 ? '' : `  REFUSED: ${OUTCOME_NAMES[e.code] ?? `code ${e.code}`}`
        const party = e.counterparty === zeroAddress ? '' : ` ${e.direction === 'sent' ? 'to' : 'from'} ${e.counterparty}`
        return `#${e.seq}  ${e.direction.padEnd(8)} ${e.op.padEnd(12)} ${e.amount}${party}${outcome}`
      })
      print({ account: wallet.address, seq, history: history.map((e) => ({ ...e, outcome: OUTCOME_NAMES[e.code] })) }, lines.length > 0 ? lines.join('\n') : 'No history yet.')
      return 0
    }

    const { publicClient } = createLedgerClients({ rpcUrl, chainId: deployment.chainId, account: wallet.address })
    // The epoch key comes from the chain, where registered enclaves published it; a node could swap what it reports.
    const group = await readGroup(publicClient, { ledger })
    if (group.epoch === 0n) throw new AnonifyError('The group has no epoch key yet.', { metaMessages: ['Wait for a member node to key the first epoch.'] })
    const before = await read()
    const head = await publicClient.getBlockNumber()
    const sessionPath = sessionFilePath(resolveRepoPath(SESSIONS_DIR), chainId, ledger, wallet.address)
    const sealed = (command: CoreCommand) =>
      sealCommand({
        chainId,
        ledger,
        epoch: Number(group.epoch),
        cmdPubKey: group.cmdPubKey,
        account: wallet.address,
        nonce: before.nonce,
        deadlineBlock: head + DEADLINE_BLOCKS,
        command,
        signTypedData: (t) => wallet.signTypedData(t),
      })
    let record: Uint8Array
    if (action === 'session-start') {
      const session = createWalletSession({ chainId, ledger, epoch: Number(group.epoch), account: wallet.address })
      const blocks = integerOption('blocks', values.blocks, 1, 10_000_000)
      // Saved before the grant is posted: a crash afterwards must not leave a live session whose key is lost.
      await saveSession(sessionPath, { chainId: `${chainId}`, ledger, account: wallet.address, epoch: `${group.epoch}`, sessionKey: session.sessionKey, next: '0' })
      record = await sealed(session.grant(head + (blocks === undefined ? SESSION_BLOCKS : BigInt(blocks))))
    } else if (action === 'session-end') {
      record = await sealed({ op: 'endSession' })
    } else if (values.session && action === 'transfer') {
      record = await sealWithSession(sessionPath, before, group.epoch, { deadlineBlock: head + DEADLINE_BLOCKS, command: commandOf(action, values) })
    } else {
      record = await sealed(commandOf(action, values))
    }
    if (!(await node.postCommand(record)))
      throw new AnonifyError('The node\'s enclave refused the command.', {
        metaMessages: ['The epoch may have just rotated or another command used this nonce; run the command again.'],
      })
    if (values['no-wait']) {
      print({ accepted: true, nonce: before.nonce }, 'Sealed and handed to the relayer.')
      return 0
    }
    const after = await waitForReceipt(read, before.nonce, before.seq)
    const receipt = after.receipt!
    const applied = receipt.code === 0
    if (action === 'session-end' && applied) await forgetSession(sessionPath)
    const outcome = OUTCOME_NAMES[receipt.code] ?? `failure code ${receipt.code}`
    print(
      { accepted: true, applied, outcome, code: receipt.code, balance: after.balance, nonce: after.nonce, seq: receipt.seq },
      applied ? `Applied at input ${receipt.seq}. Balance: ${after.balance}.` : `Refused at input ${receipt.seq}: ${outcome}. Balance: ${after.balance}.`,
    )
    return applied ? 0 : 1
  },
})

function walletAccount(flag: string | boolean | undefined): PrivateKeyAccount {
  const key = typeof flag === 'string' ? flag : process.env.ANONIFY_WALLET_KEY
  if (!key) throw new AnonifyError('anonify wallet needs a key.', { metaMessages: ['Pass --key 0x… or set ANONIFY_WALLET_KEY.'] })
  if (!/^0x[0-9a-fA-F]{64}$/.test(key)) throw new InvalidOptionError({ option: 'key', expected: 'a private key (0x and 64 hex digits)', value: '(hidden)' })
  return privateKeyToAccount(key as Hex)
}

/** Seals a token command as the next record of the saved session, after saving the counter it uses. */
async function sealWithSession(path: string, account: AccountReply, epoch: bigint, { deadlineBlock, command }: { deadlineBlock: bigint; command: CoreCommand }): Promise<Uint8Array> {
  const saved = await loadSession(path)
  const live = account.session
  if (!saved || !live || live.epoch !== epoch || BigInt(saved.epoch) !== epoch)
    throw new AnonifyError('This wallet has no live session.', {
      metaMessages: ['Sessions end at their expiry block and at every rekey. Start one with `anonify wallet session-start`.'],
    })
  // The enclave's `next` covers records applied; the file's covers records posted but perhaps not yet applied.
  const next = BigInt(saved.next) > live.next ? BigInt(saved.next) : live.next
  const session = createWalletSession({ chainId: BigInt(saved.chainId), ledger: saved.ledger, epoch: Number(epoch), account: saved.account, resume: { sessionKey: saved.sessionKey, next } })
  const record = session.seal({ nonce: account.nonce, deadlineBlock, command })
  await saveSession(path, { ...saved, next: `${session.next}` })
  return record
}

function commandOf(action: 'transfer' | 'mint' | 'init', values: Record<string, string | boolean | undefined>): CoreCommand {
  if (action === 'init') return { op: 'init' }
  const to = values.to
  if (typeof to !== 'string' || !isAddress(to)) throw new InvalidOptionError({ option: 'to', expected: 'an address', value: String(to) })
  const amount = parseAmount(values.amount)
  return { op: action, to: getAddress(to) as Address, amount }
}

function parseAmount(value: string | boolean | undefined): bigint {
  const text = String(value)
  if (typeof value !== 'string' || !/^\d+$/.test(value) || BigInt(value) === 0n || BigInt(value) > MAX_U128)
    throw new InvalidOptionError({ option: 'amount', expected: 'a positive whole number of base units', value: text })
  return BigInt(value)
}

/** Polls the account until the enclave has a receipt for `nonce` newer than `afterSeq`, bounded in time. */
async function waitForReceipt(read: () => Promise<AccountReply>, nonce: bigint, afterSeq: bigint): Promise<AccountReply> {
  const deadline = Date.now() + WAIT_MS
  for (;;) {
    const current = await read()
    if (current.receipt && current.receipt.nonce === nonce && current.receipt.seq > afterSeq) return current
    if (Date.now() > deadline)
      throw new AnonifyError(`The command was not applied within ${WAIT_MS / 1000} s.`, {
        metaMessages: ['It may still be queued at the relayer; check again with `anonify wallet balance`.'],
      })
    await new Promise((resolve) => setTimeout(resolve, 500))
  }
}
