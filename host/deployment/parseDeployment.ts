/** The deployment record: where a chain's Anonify contracts live and which enclave they accept. Data, never source. */
import { getAddress, isAddress, isHex, type Address, type Hex } from 'viem'
import { DEFAULT_EVM_VERSION, EVM_VERSIONS, type EvmVersion } from '../../contracts/generated/evmVersions'
import { AnonifyError } from '../errors/base'
import type { FinalityPolicy } from '../ledger/readFinalBlock'
import { LOCAL_CHAIN_IDS } from './isLocalChain'

export type Deployment = {
  version: 1
  chainId: number
  /** JSON-RPC endpoint the deployer used; clients may override it. */
  rpcUrl: string
  /** Block of the first contract deployment: followers start reading here. */
  deployBlock: number
  /** The EVM version the deployed bytecode was compiled for; files written before it existed mean the default. */
  evmVersion: EvmVersion
  /** Which blocks followers apply and relayers count as posted; files written before it existed get `defaultFinality`. */
  finality: FinalityPolicy
  contracts: { ledger: Address; verifier: Address }
  enclave: { measurement: Hex }
  /**
   * API URLs of member nodes that serve wallets (reads and relaying), published by their operators; a wallet tries
   * them in turn and believes an answer only once its enclave checks out on chain, so a wrong URL costs a retry.
   */
  nodes: string[]
}

/** The most node URLs a deployment file may list. */
export const MAX_NODE_URLS = 16

/** Whether `value` names an EVM version the contracts are compiled for. */
export function isEvmVersion(value: unknown): value is EvmVersion {
  return (EVM_VERSIONS as readonly unknown[]).includes(value)
}

/** Confirmations on a dev chain (anvil, hardhat) that mines on an interval: its `finalized` tag trails by 64 blocks. */
export const DEV_CONFIRMATIONS = 2
/** The most confirmations a deployment may ask for: more is a typo, not a policy. */
export const MAX_CONFIRMATIONS = 10_000

/** The policy of a deployment file that names none: short on a dev chain id, the node's finalized tag elsewhere. */
export function defaultFinality(chainId: number): FinalityPolicy {
  return LOCAL_CHAIN_IDS.includes(chainId) ? { confirmations: DEV_CONFIRMATIONS } : { blockTag: 'finalized' }
}

/** The deployment file is missing fields or holds values of the wrong shape. */
export class InvalidDeploymentError extends AnonifyError {
  override name = 'InvalidDeploymentError' as const
  constructor({ problem, source }: { problem: string; source: string }) {
    super(`The deployment file ${source} is invalid: ${problem}.`, {
      metaMessages: ['Run `anonify dev` or `anonify deploy` again to rewrite it.'],
    })
  }
}

/** Checks an untrusted value (file content, HTTP body) and returns a typed deployment. */
export function parseDeployment(value: unknown, source = 'deployment'): Deployment {
  const fail = (problem: string): never => {
    throw new InvalidDeploymentError({ problem, source })
  }
  if (typeof value !== 'object' || value === null) return fail('not a JSON object')
  const v = value as Record<string, unknown>
  if (v.version !== 1) fail(`unsupported version ${String(v.version)}`)
  if (!Number.isSafeInteger(v.chainId) || (v.chainId as number) <= 0) fail('chainId must be a positive integer')
  if (typeof v.rpcUrl !== 'string' || !/^https?:\/\//.test(v.rpcUrl)) fail('rpcUrl must be an http(s) URL')
  if (!Number.isSafeInteger(v.deployBlock) || (v.deployBlock as number) < 0) fail('deployBlock must be a block number')
  const evmVersion = v.evmVersion ?? DEFAULT_EVM_VERSION
  if (!isEvmVersion(evmVersion)) fail(`evmVersion must be one of ${EVM_VERSIONS.join(', ')}`)
  const finality = v.finality === undefined ? defaultFinality(v.chainId as number) : parseFinality(v.finality, fail)
  const contracts = v.contracts as Record<string, unknown> | undefined
  if (typeof contracts !== 'object' || contracts === null) return fail('contracts is missing')
  if (typeof contracts.ledger !== 'string' || !isAddress(contracts.ledger)) fail('contracts.ledger is not an address')
  if (typeof contracts.verifier !== 'string' || !isAddress(contracts.verifier))
    fail('contracts.verifier is not an address')
  const enclave = v.enclave as Record<string, unknown> | undefined
  if (typeof enclave !== 'object' || enclave === null) return fail('enclave is missing')
  if (typeof enclave.measurement !== 'string' || !isHex(enclave.measurement) || enclave.measurement.length !== 66)
    fail('enclave.measurement must be 32 bytes of hex')
  const nodes = v.nodes ?? []
  if (
    !Array.isArray(nodes) ||
    nodes.length > MAX_NODE_URLS ||
    !nodes.every((url) => typeof url === 'string' && /^https?:\/\/[^\s]+$/.test(url) && URL.canParse(url))
  )
    fail(`nodes must be a list of at most ${MAX_NODE_URLS} http(s) URLs`)
  return {
    version: 1,
    chainId: v.chainId as number,
    rpcUrl: v.rpcUrl as string,
    deployBlock: v.deployBlock as number,
    evmVersion: evmVersion as EvmVersion,
    finality,
    contracts: { ledger: getAddress(contracts.ledger as string), verifier: getAddress(contracts.verifier as string) },
    enclave: { measurement: (enclave.measurement as string).toLowerCase() as Hex },
    nodes: nodes as string[],
  }
}

/** `{ "blockTag": "finalized" }` or `{ "confirmations": N }`, nothing else. */
function parseFinality(value: unknown, fail: (problem: string) => never): FinalityPolicy {
  const f = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>
  const keys = Object.keys(f)
  if (keys.length === 1 && f.blockTag === 'finalized') return { blockTag: 'finalized' }
  const confirmations = f.confirmations
  if (
    keys.length === 1 &&
    Number.isSafeInteger(confirmations) &&
    (confirmations as number) >= 0 &&
    (confirmations as number) <= MAX_CONFIRMATIONS
  )
    return { confirmations: confirmations as number }
  return fail(`finality must be { "blockTag": "finalized" } or { "confirmations": 0..${MAX_CONFIRMATIONS} }`)
}
