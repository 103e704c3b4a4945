/**
 * What `anonify wallet` and `anonify identity` share: the wallet key, the deployment and node, a confidential wallet
 * over them, output as text or --json, and posting one command through to its receipt.
 */
import type { Hex } from 'viem'
import { privateKeyToAccount, type PrivateKeyAccount } from 'viem/accounts'
import { OUTCOME_NAMES } from '../../enclave-wasm/envelopes/accountRead'
import { createLedgerClients } from '../../host/chain/createLedgerClients'
import { readDeployment } from '../../host/deployment/deploymentFile'
import type { Deployment } from '../../host/deployment/parseDeployment'
import { DEFAULT_DEPLOYMENT_PATH, resolveRepoPath } from '../../host/deployment/paths'
import { AnonifyError } from '../../host/errors/base'
import { fileStore } from '../../host/storage/fileStore'
import {
  createConfidentialWallet,
  type ConfidentialWallet,
  type PostedCommand,
} from '../../host/wallet/confidentialWallet'
import { memberNodes } from '../../host/wallet/memberNodes'
import { blobSessionStore } from '../../host/wallet/sessionStore'
import { formatTokenAmount } from '../../host/wallet/tokenUnits'
import { DEFAULT_NODE_PORT } from './node'
import { InvalidOptionError, stringOption, urlOption } from './parseOptions'
import { sessionFilePath } from './walletSessionFile'

/** Where session keys are kept, one 0600 file per deployment and account. */
const SESSIONS_DIR = '.anonify/sessions'

type Values = Record<string, string | boolean | undefined>

/** Prints `result` as JSON under --json (bigints as decimal strings), else `text`. */
export type Print = (result: Record<string, unknown>, text: string) => void

export type WalletContext = {
  wallet: PrivateKeyAccount
  deployment: Deployment
  confidential: ConfidentialWallet
  publicClient: ReturnType<typeof createLedgerClients>['publicClient']
  print: Print
}

/** The account of `--key` (or `envVar`); refuses a missing or malformed key without echoing it. */
export function keyAccount(flag: string | boolean | undefined, envVar: string, command: string): PrivateKeyAccount {
  const key = typeof flag === 'string' ? flag : process.env[envVar]
  if (!key) throw new AnonifyError(`${command} needs a key.`, { metaMessages: [`Pass --key 0x… or set ${envVar}.`] })
  if (!/^0x[0-9a-fA-F]{64}$/.test(key))
    throw new InvalidOptionError({ option: 'key', expected: 'a private key (0x and 64 hex digits)', value: '(hidden)' })
  return privateKeyToAccount(key as Hex)
}

/** A printer for --json or text. */
export function printer(json: boolean): Print {
  return (result, text) =>
    console.log(json ? JSON.stringify(result, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 2) : text)
}

/** Reads the deployment of `--deployment`. */
export async function deploymentOf(values: Values): Promise<Deployment> {
  return readDeployment(resolveRepoPath(stringOption(values.deployment, DEFAULT_DEPLOYMENT_PATH)))
}

/**
 * The member nodes to read and send through: `--node URL[,URL…]`, else the deployment's published ones, else the local
 * node. Tried in turn: one that is down or answers wrongly is passed over.
 */
export function nodeUrls(values: Values, deployment: Deployment): string[] {
  const listed =
    typeof values.node === 'string' ? values.node.split(',').map((url) => urlOption('node', url.trim())!) : []
  if (listed.length > 0) return listed
  return deployment.nodes.length > 0 ? deployment.nodes : [`http://127.0.0.1:${DEFAULT_NODE_PORT}`]
}

/** Opens the confidential wallet of `--key` on `--deployment`, reading and relaying through `--node` (nodeUrls). */
export async function openWallet(values: Values, command: string): Promise<WalletContext> {
  const wallet = keyAccount(values.key, 'ANONIFY_WALLET_KEY', command)
  const deployment = await deploymentOf(values)
  const rpcUrl = urlOption('rpc', values.rpc) ?? deployment.rpcUrl
  const { readers, poster } = memberNodes(nodeUrls(values, deployment))
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
    finality: deployment.finality,
    readers,
    poster,
    sessions: blobSessionStore(fileStore(sessionPath), sessionPath),
  })
  return { wallet, deployment, confidential, publicClient, print: printer(values.json === true) }
}

/**
 * Posts with `post` (a sealed command, or a session grant or end), waits for its receipt unless --no-wait, runs
 * `onReceipt`, and prints the outcome with its reason; resolves to the exit code: 0 applied (or handed over), 1 refused.
 */
export async function postAndReport(
  { confidential, print }: WalletContext,
  values: Values,
  post: () => Promise<PostedCommand>,
  onReceipt?: (after: Receipted) => Promise<void>,
): Promise<number> {
  const posted = await post()
  if (values['no-wait']) {
    print({ accepted: true, nonce: posted.nonce }, 'Sealed and handed to the relayer.')
    return 0
  }
  const after = await confidential.waitForReceipt(posted)
  await onReceipt?.(after)
  return reportReceipt(print, after)
}

type Receipted = Awaited<ReturnType<ConfidentialWallet['waitForReceipt']>>

/** Prints a receipt as `anonify wallet` always has; 0 if it applied, 1 if refused. */
export function reportReceipt(print: Print, after: Awaited<ReturnType<ConfidentialWallet['waitForReceipt']>>): number {
  const { receipt } = after
  const applied = receipt.code === 0
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
}
