/**
 * Governance of the apps on a real Ledger: only GOVERNOR_ROLE grants the KYC issuer role, and the grant enters the
 * input stream in the layout every enclave decodes.
 */
import {
  BaseError,
  ContractFunctionRevertedError,
  createWalletClient,
  decodeAbiParameters,
  http,
  keccak256,
  parseEventLogs,
  toHex,
  zeroAddress,
  type Address,
} from 'viem'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ledgerAbi } from '../generated/ledger'
import { INPUT_KIND } from '../../enclave-wasm/protocol'
import { createLedgerClients } from '../../host/chain/createLedgerClients'
import { startAnvil, type Anvil } from '../../host/chain/startAnvil'
import { deployStack } from '../../host/deployment/deployStack'
import type { Deployment } from '../../host/deployment/parseDeployment'
import { grantIdentityIssuer } from '../../host/ledger/governance'
import { buildContracts } from '../build'

let anvil: Anvil
let deployment: Deployment
let accounts: Address[]

const clientsOf = (index: number) =>
  createLedgerClients({ rpcUrl: anvil.rpcUrl, chainId: 31337, account: accounts[index]!, pollingIntervalMs: 50 })

/** The custom error a call reverted with. */
async function revertOf(call: Promise<unknown>) {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(BaseError)
  const revert = (error as BaseError).walk(
    (e) => e instanceof ContractFunctionRevertedError,
  ) as ContractFunctionRevertedError
  return { errorName: revert.data?.errorName, args: revert.data?.args }
}

beforeAll(async () => {
  await buildContracts()
  anvil = await startAnvil()
  deployment = await deployStack({ rpcUrl: anvil.rpcUrl, measurement: keccak256(toHex('anonify test enclave')) })
  accounts = await createWalletClient({ transport: http(anvil.rpcUrl) }).getAddresses()
})
afterAll(async () => anvil?.stop())

describe('AppGovernance', () => {
  it('the governor grants the KYC issuer role: an event and a KIND_IDENTITY_ISSUER_GRANTED input naming both', async () => {
    const issuer = accounts[4]!
    const receipt = await grantIdentityIssuer(clientsOf(0), { ledger: deployment.contracts.ledger, issuer })
    const [granted] = parseEventLogs({ abi: ledgerAbi, logs: receipt.logs, eventName: 'IdentityIssuerGranted' })
    expect(granted!.args).toEqual({ issuer, governor: accounts[0] })
    const [input] = parseEventLogs({ abi: ledgerAbi, logs: receipt.logs, eventName: 'InputAppended' })
    expect(input!.args.kind).toBe(INPUT_KIND.identityIssuerGranted)
    expect(
      decodeAbiParameters([{ type: 'uint64' }, { type: 'address' }, { type: 'address' }], input!.args.payload),
    ).toEqual([receipt.blockNumber, accounts[0], issuer])
  })

  it('error: anyone but the governor is refused (AccessControlUnauthorizedAccount), and nothing is appended', async () => {
    const ledger = deployment.contracts.ledger
    const { publicClient } = clientsOf(0)
    const seq = await publicClient.readContract({ address: ledger, abi: ledgerAbi, functionName: 'seq' })
    const refused = await revertOf(grantIdentityIssuer(clientsOf(4), { ledger, issuer: accounts[4]! }))
    expect(refused.errorName).toBe('AccessControlUnauthorizedAccount')
    expect(refused.args?.[0]).toBe(accounts[4])
    expect(await publicClient.readContract({ address: ledger, abi: ledgerAbi, functionName: 'seq' })).toBe(seq)
  })

  it('error: the zero address is no issuer (GovernanceZeroIssuer)', async () => {
    const ledger = deployment.contracts.ledger
    expect(await revertOf(grantIdentityIssuer(clientsOf(0), { ledger, issuer: zeroAddress }))).toEqual({
      errorName: 'GovernanceZeroIssuer',
      args: undefined,
    })
  })
})
