/**
 * The registry as an attacker meets it: every policy check rejects with its custom error, and nothing changes.
 * Evidence comes from real simulated machines (enclave-wasm/platform/sim), bound the way enclaves bind it.
 */
import { sha256 } from '@noble/hashes/sha2.js'
import {
  BaseError,
  ContractFunctionRevertedError,
  concatBytes,
  createWalletClient,
  decodeAbiParameters,
  encodeAbiParameters,
  encodePacked,
  hexToBytes,
  http,
  keccak256,
  parseEventLogs,
  toHex,
  type Address,
  type Hex,
} from 'viem'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ledgerAbi } from '../generated/ledger'
import { simAttestationVerifierAbi } from '../generated/simAttestationVerifier'
import { ENCLAVE_SIGNER_ID } from '../../enclave-wasm/platform/launchEnclave'
import { createSimMachine, createSimPlatform, type SimMachine } from '../../enclave-wasm/platform/sim/createSimPlatform'
import { TCB_STATUS } from '../../enclave-wasm/platform/teePlatform'
import { INPUT_KIND } from '../../enclave-wasm/protocol'
import { createLedgerClients } from '../../host/chain/createLedgerClients'
import { startAnvil, type Anvil } from '../../host/chain/startAnvil'
import { deployStack } from '../../host/deployment/deployStack'
import type { Deployment } from '../../host/deployment/parseDeployment'
import { deploySimVerifier } from '../../host/ledger/deploySimVerifier'
import { allowMeasurement, removeEnclave } from '../../host/ledger/governance'
import { readGroup } from '../../host/ledger/readGroup'
import { registerEnclave } from '../../host/ledger/registerEnclave'
import { buildContracts } from '../build'

const MEASUREMENT: Hex = keccak256(toHex('anonify test enclave'))
let anvil: Anvil
let deployment: Deployment
let accounts: Address[]
let honestMachine: SimMachine

const clientsOf = (index: number) =>
  createLedgerClients({ rpcUrl: anvil.rpcUrl, chainId: 31337, account: accounts[index]!, pollingIntervalMs: 50 })

let signerCounter = 0
/** A fresh enclave signer and init key per registration, deterministic per test run. */
const anIdentity = () => {
  signerCounter++
  return {
    signer: `0x${signerCounter.toString(16).padStart(40, '0')}` as Address,
    initKey: keccak256(toHex(`init ${signerCounter}`)),
  }
}

type EvidenceOptions = {
  machine?: SimMachine
  measurement?: Hex
  debug?: boolean
  operator?: Address
  chainId?: bigint
  contract?: Address
  anchorBlock?: bigint
}

/** Registration evidence bound as an enclave binds it; each option bends one part of it. */
async function anEvidence(identity: { signer: Address; initKey: Hex }, options: EvidenceOptions = {}) {
  const { publicClient } = clientsOf(0)
  const head = await publicClient.getBlockNumber()
  const anchorBlock = options.anchorBlock ?? head - 1n
  const anchorHash = (await publicClient.getBlock({ blockNumber: anchorBlock })).hash
  const binding = sha256(
    hexToBytes(
      encodePacked(
        ['string', 'uint256', 'address', 'address', 'address', 'bytes32', 'bytes32'],
        [
          'anonify/v1 ra',
          options.chainId ?? 31337n,
          options.contract ?? deployment.contracts.ledger,
          options.operator ?? accounts[1]!,
          identity.signer,
          identity.initKey,
          anchorHash,
        ],
      ),
    ),
  )
  const launch = {
    measurement: hexToBytes(options.measurement ?? MEASUREMENT),
    signerId: ENCLAVE_SIGNER_ID,
    productId: 1,
    svn: 1,
    debug: options.debug ?? false,
  }
  const evidence = await createSimPlatform(options.machine ?? honestMachine).quote(
    launch,
    concatBytes([binding, new Uint8Array(32)]),
  )
  return { ledger: deployment.contracts.ledger, evidence: toHex(evidence), ...identity, anchorBlock }
}

/** Registers from account #1 (or `from`) and returns the revert's name and args. */
async function revertOf(registration: Awaited<ReturnType<typeof anEvidence>>, from = 1) {
  const error = await registerEnclave(clientsOf(from), registration).then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(BaseError)
  const revert = (error as BaseError).walk(
    (e) => e instanceof ContractFunctionRevertedError,
  ) as ContractFunctionRevertedError
  return { errorName: revert.data?.errorName, args: revert.data?.args }
}

const memberCount = async () =>
  (await readGroup(clientsOf(0).publicClient, { ledger: deployment.contracts.ledger })).members.length

beforeAll(async () => {
  await buildContracts()
  anvil = await startAnvil()
  deployment = await deployStack({ rpcUrl: anvil.rpcUrl, measurement: MEASUREMENT })
  accounts = await createWalletClient({ transport: http(anvil.rpcUrl) }).getAddresses()
  honestMachine = await createSimMachine()
})
afterAll(async () => anvil?.stop())

describe('EnclaveRegistry', () => {
  it('admits an enclave with valid evidence and records it in the input stream', async () => {
    const identity = anIdentity()
    const receipt = await registerEnclave(clientsOf(1), await anEvidence(identity))
    const [registered] = parseEventLogs({ abi: ledgerAbi, logs: receipt.logs, eventName: 'EnclaveRegistered' })
    expect(registered!.args).toMatchObject({
      signer: identity.signer,
      operator: accounts[1],
      measurement: MEASUREMENT,
      initKey: identity.initKey,
    })
    const [input] = parseEventLogs({ abi: ledgerAbi, logs: receipt.logs, eventName: 'InputAppended' })
    expect(input!.args.kind).toBe(INPUT_KIND.memberAdded)
    expect((await readGroup(clientsOf(0).publicClient, { ledger: deployment.contracts.ledger })).members).toEqual([
      identity.signer,
    ])
  })

  it('error: a measurement not on the allow-list reverts RegistryMeasurementNotAllowed', async () => {
    const other = keccak256(toHex('unreviewed build'))
    const before = await memberCount()
    expect(await revertOf(await anEvidence(anIdentity(), { measurement: other }))).toEqual({
      errorName: 'RegistryMeasurementNotAllowed',
      args: [other],
    })
    expect(await memberCount()).toBe(before)
  })

  it('error: an anchor older than 256 blocks reverts RegistryStaleAnchor', async () => {
    const { publicClient } = clientsOf(0)
    const anchorBlock = await publicClient.getBlockNumber()
    const registration = await anEvidence(anIdentity(), { anchorBlock })
    await publicClient.request({ method: 'anvil_mine' as never, params: ['0x101'] as never })
    const result = await revertOf(registration)
    expect(result.errorName).toBe('RegistryStaleAnchor')
    expect(result.args?.[0]).toBe(anchorBlock)
  })

  it('error: evidence bound to another operator reverts RegistryBindingMismatch', async () => {
    const registration = await anEvidence(anIdentity(), { operator: accounts[2]! })
    expect((await revertOf(registration, 1)).errorName).toBe('RegistryBindingMismatch')
  })

  it('error: evidence bound to another chain id reverts RegistryBindingMismatch', async () => {
    expect((await revertOf(await anEvidence(anIdentity(), { chainId: 1n }))).errorName).toBe('RegistryBindingMismatch')
  })

  it('error: evidence bound to another contract reverts RegistryBindingMismatch', async () => {
    expect(
      (await revertOf(await anEvidence(anIdentity(), { contract: deployment.contracts.verifier }))).errorName,
    ).toBe('RegistryBindingMismatch')
  })

  it('error: a platform whose TCB is revoked reverts RegistryTcbNotAcceptable(Revoked)', async () => {
    const machine = await createSimMachine({ tcbStatus: TCB_STATUS.Revoked })
    expect(await revertOf(await anEvidence(anIdentity(), { machine }))).toEqual({
      errorName: 'RegistryTcbNotAcceptable',
      args: [TCB_STATUS.Revoked],
    })
  })

  it('error: a debug enclave reverts RegistryDebugEnclave', async () => {
    expect(await revertOf(await anEvidence(anIdentity(), { debug: true }))).toEqual({
      errorName: 'RegistryDebugEnclave',
      args: [MEASUREMENT],
    })
  })

  it('error: a quote signed by a platform key the root CA did not certify reverts SimPlatformNotCertified', async () => {
    const impostorCa = keccak256(toHex('not the root ca'))
    const machine = await createSimMachine({ caKey: impostorCa })
    const result = await revertOf(await anEvidence(anIdentity(), { machine }))
    expect(result.errorName).toBe('SimPlatformNotCertified')
  })

  it('error: a quote altered after signing reverts SimQuoteSignatureInvalid', async () => {
    const registration = await anEvidence(anIdentity())
    const types = [
      { type: 'bytes' },
      { type: 'bytes' },
      { type: 'bytes16' },
      { type: 'address' },
      { type: 'uint8' },
      { type: 'bytes' },
    ] as const
    const [quote, ...rest] = decodeAbiParameters(types, registration.evidence)
    // Flip a bit of report_data[32:64] (header 48 + body offset 320 + 32), which no binding check covers: only the
    // platform's signature does.
    const altered = hexToBytes(quote)
    altered[48 + 320 + 40]! ^= 1
    const evidence = encodeAbiParameters(types, [toHex(altered), ...rest])
    expect((await revertOf({ ...registration, evidence })).errorName).toBe('SimQuoteSignatureInvalid')
  })

  it('error: the same signer cannot register twice', async () => {
    const identity = anIdentity()
    await registerEnclave(clientsOf(1), await anEvidence(identity))
    expect(await revertOf(await anEvidence(identity))).toEqual({
      errorName: 'RegistryAlreadyRegistered',
      args: [identity.signer],
    })
  })

  it('error: only the governor may allow measurements or remove enclaves', async () => {
    const error = await allowMeasurement(clientsOf(3), {
      ledger: deployment.contracts.ledger,
      measurement: MEASUREMENT,
    }).catch((e: unknown) => e)
    const revert = (error as BaseError).walk(
      (e) => e instanceof ContractFunctionRevertedError,
    ) as ContractFunctionRevertedError
    expect(revert.data?.errorName).toBe('AccessControlUnauthorizedAccount')
  })

  it('governance removal drops the member and records it in the input stream', async () => {
    const identity = anIdentity()
    await registerEnclave(clientsOf(1), await anEvidence(identity))
    const before = await memberCount()
    const receipt = await removeEnclave(clientsOf(0), { ledger: deployment.contracts.ledger, signer: identity.signer })
    const [input] = parseEventLogs({ abi: ledgerAbi, logs: receipt.logs, eventName: 'InputAppended' })
    expect(input!.args.kind).toBe(INPUT_KIND.memberRemoved)
    expect(await memberCount()).toBe(before - 1)
  })
})

describe('SimAttestationVerifier', () => {
  it('error: refuses to verify anything on a chain that is not a test chain', async () => {
    const mainnetLike = await startAnvil({ chainId: 5 })
    try {
      const [account] = await createWalletClient({ transport: http(mainnetLike.rpcUrl) }).getAddresses()
      const clients = createLedgerClients({
        rpcUrl: mainnetLike.rpcUrl,
        chainId: 5,
        account: account!,
        pollingIntervalMs: 50,
      })
      const verifier = await deploySimVerifier(clients)
      const error = await clients.publicClient
        .readContract({ address: verifier, abi: simAttestationVerifierAbi, functionName: 'verify', args: ['0x'] })
        .catch((e: unknown) => e)
      const revert = (error as BaseError).walk(
        (e) => e instanceof ContractFunctionRevertedError,
      ) as ContractFunctionRevertedError
      expect(revert.data).toMatchObject({ errorName: 'SimVerifierNotOnTestChain', args: [5n] })
    } finally {
      await mainnetLike.stop()
    }
  })
})
