/**
 * The registry's policy, as enclaves and wallets apply it off chain: evidence from real simulated machines, bound the
 * way enclaves bind it, each check bent once. A rejection names its reason; nothing ever throws.
 */
import { randomBytes } from '@noble/hashes/utils.js'
import {
  bytesToHex,
  concatBytes,
  decodeAbiParameters,
  encodeAbiParameters,
  hexToBytes,
  keccak256,
  toHex,
  type Address,
  type Hex,
} from 'viem'
import { privateKeyToAddress } from 'viem/accounts'
import { secp256k1 } from '@noble/curves/secp256k1.js'
import { beforeAll, describe, expect, it } from 'vitest'
import { ENCLAVE_SIGNER_ID } from '../platform/launchEnclave'
import { createSimMachine, createSimPlatform, type SimMachine } from '../platform/sim/createSimPlatform'
import { SIM_ROOT_CA_ADDRESS as PLATFORM_ROOT_CA } from '../platform/sim/simRootCa'
import { TCB_STATUS } from '../platform/teePlatform'
import {
  checkRegistration,
  decodeRegistration,
  REGISTRATION_PAYLOAD,
  registrationBinding,
  type Registration,
  type RegistrationPolicy,
} from './checkRegistration'
import { SIM_ROOT_CA_ADDRESS, TEE_TYPE_SIM } from './verifySimEvidence'

const CHAIN_ID = 31337n
const LEDGER: Address = '0x5FbDB2315678afecb367f032d93F642f64180aa3'
const MEASUREMENT: Hex = keccak256(toHex('anonify test enclave'))
/** A valid X25519 public key (RFC 7748 §6.1, Alice's). */
const INIT_KEY: Hex = '0x8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a'
const policy: RegistrationPolicy = { chainId: CHAIN_ID, ledger: LEDGER, isMeasurementAllowed: (m) => m === MEASUREMENT }

let honest: SimMachine
beforeAll(async () => {
  honest = await createSimMachine()
})

type Bend = {
  machine?: SimMachine
  /** What the quote reports. */
  measurement?: Hex
  debug?: boolean
  /** What report_data binds, where it differs from what the registration names. */
  bound?:
    | Partial<{
        chainId: bigint
        ledger: Address
        operator: Address
        signer: Address
        initKey: Hex
        anchorHash: Hex
      }>
    | undefined
  registration?: Partial<Registration>
}

/** A registration as the Ledger records it, bound as an enclave binds it; `bend` changes one part. */
async function aRegistration(bend: Bend = {}): Promise<Registration> {
  const named = {
    signer: privateKeyToAddress(bytesToHex(randomBytes(32))),
    operator: privateKeyToAddress(bytesToHex(randomBytes(32))),
    initKey: INIT_KEY,
    anchorHash: keccak256(toHex('anchor block')),
  }
  const binding = registrationBinding({ chainId: CHAIN_ID, ledger: LEDGER, ...named, ...bend.bound })
  const launch = {
    measurement: hexToBytes(bend.measurement ?? MEASUREMENT),
    signerId: ENCLAVE_SIGNER_ID,
    productId: 1,
    svn: 1,
    debug: bend.debug ?? false,
  }
  const evidence = await createSimPlatform(bend.machine ?? honest).quote(
    launch,
    concatBytes([binding, new Uint8Array(32)]),
  )
  return {
    ...named,
    measurement: bend.measurement ?? MEASUREMENT,
    teeType: TEE_TYPE_SIM,
    evidence: bytesToHex(evidence),
    ...bend.registration,
  }
}

const EVIDENCE = [
  { type: 'bytes' },
  { type: 'bytes' },
  { type: 'bytes16' },
  { type: 'address' },
  { type: 'uint8' },
  { type: 'bytes' },
] as const

/** `registration` with one field of its evidence replaced. */
function withEvidence(
  registration: Registration,
  edit: (fields: [Hex, Hex, Hex, Address, number, Hex]) => void,
): Registration {
  const fields = [...decodeAbiParameters(EVIDENCE, registration.evidence)] as [Hex, Hex, Hex, Address, number, Hex]
  edit(fields)
  return { ...registration, evidence: encodeAbiParameters(EVIDENCE, fields) }
}

const reasonOf = (registration: Registration, with_: Partial<RegistrationPolicy> = {}) => {
  const verdict = checkRegistration(registration, { ...policy, ...with_ })
  return verdict.ok ? undefined : verdict.reason
}

describe('checkRegistration', () => {
  it('accepts a registration bound as an enclave binds it, with the claims the on-chain verifier reports', async () => {
    const registration = await aRegistration()
    const verdict = checkRegistration(registration, policy)
    expect(verdict).toEqual({
      ok: true,
      claims: {
        measurement: MEASUREMENT,
        signerId: bytesToHex(ENCLAVE_SIGNER_ID),
        tcbStatus: TCB_STATUS.UpToDate,
        debug: false,
        reportDataLo: bytesToHex(registrationBinding({ chainId: CHAIN_ID, ledger: LEDGER, ...registration })),
        reportDataHi: `0x${'00'.repeat(32)}`,
        platformId: `${honest.platformId}${'00'.repeat(16)}`,
      },
    })
  })

  it('pins the root CA the simulated platform certifies with', () => {
    expect(SIM_ROOT_CA_ADDRESS).toBe(PLATFORM_ROOT_CA)
  })

  it('decodes the payload the Ledger emits', async () => {
    const registration = await aRegistration()
    const { signer, operator, initKey, measurement, teeType, anchorHash, evidence } = registration
    const payload = encodeAbiParameters(REGISTRATION_PAYLOAD, [
      signer,
      operator,
      initKey,
      measurement,
      teeType,
      anchorHash,
      evidence,
    ])
    expect(decodeRegistration(hexToBytes(payload))).toEqual(registration)
    expect(() => decodeRegistration(new Uint8Array(40))).toThrow()
  })

  it('error: a quote signed by a platform the root CA did not certify', async () => {
    const machine = await createSimMachine({ caKey: keccak256(toHex('not the root ca')) })
    expect(reasonOf(await aRegistration({ machine }))).toBe('the platform is not certified by the root CA')
  })

  it('error: a quote altered after signing, and a platform key swapped under a valid certificate', async () => {
    const registration = await aRegistration()
    const altered = withEvidence(registration, (fields) => {
      const quote = hexToBytes(fields[0])
      quote[48 + 320 + 40]! ^= 1
      fields[0] = bytesToHex(quote)
    })
    expect(reasonOf(altered)).toBe('the quote is not signed by the certified platform key')
    const other = await createSimMachine()
    const swapped = withEvidence(registration, (fields) => {
      fields[3] = privateKeyToAddress(other.platformKey)
    })
    expect(reasonOf(swapped)).toBe('the platform is not certified by the root CA')
  })

  it('error: the high-s twin of a valid quote signature (ECDSA.tryRecover refuses it)', async () => {
    const registration = await aRegistration()
    const malleated = withEvidence(registration, (fields) => {
      const sig = hexToBytes(fields[1])
      const n = secp256k1.Point.CURVE().n
      const s = BigInt(bytesToHex(sig.subarray(32, 64)))
      sig.set(hexToBytes(toHex(n - s, { size: 32 })), 32)
      sig[64] = sig[64] === 27 ? 28 : 27
      fields[1] = bytesToHex(sig)
    })
    expect(reasonOf(malleated)).toBe('the quote is not signed by the certified platform key')
  })

  it('error: a debug enclave, a measurement not allowed, and a measurement other than the one recorded', async () => {
    expect(reasonOf(await aRegistration({ debug: true }))).toBe('the evidence comes from a debug enclave')
    const other = keccak256(toHex('unreviewed build'))
    expect(reasonOf(await aRegistration({ measurement: other }))).toBe(`measurement ${other} is not allowed`)
    expect(reasonOf(await aRegistration({ registration: { measurement: other } }))).toBe(
      'the evidence is for another measurement than recorded',
    )
  })

  it('error: a TCB status the registry does not accept by default (OutOfDate, Revoked), unless the policy does', async () => {
    for (const tcbStatus of [TCB_STATUS.OutOfDate, TCB_STATUS.Revoked]) {
      const registration = await aRegistration({ machine: await createSimMachine({ tcbStatus }) })
      expect(reasonOf(registration)).toBe(`TCB status ${tcbStatus} is not acceptable`)
      expect(reasonOf(registration, { acceptableTcb: [0, tcbStatus] })).toBeUndefined()
    }
  })

  it('error: report_data bound to another chain, ledger, operator, signer, init key or anchor', async () => {
    const bends: Bend['bound'][] = [
      { chainId: 1n },
      { ledger: '0x0000000000000000000000000000000000000001' },
      { operator: '0x0000000000000000000000000000000000000002' },
      { signer: '0x0000000000000000000000000000000000000003' },
      { initKey: keccak256(toHex('another init key')) },
      { anchorHash: keccak256(toHex('another block')) },
    ]
    for (const bound of bends)
      expect(
        reasonOf(await aRegistration({ bound })),
        JSON.stringify(bound, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}` : v)),
      ).toBe('report_data does not bind this chain, ledger, operator, signer, init key and anchor')
  })

  it('error: another TEE type, a chain that is not a test chain, malformed evidence, a low-order init key', async () => {
    expect(reasonOf(await aRegistration({ registration: { teeType: '0x53475800' } }))).toBe(
      'no verifier for TEE type 0x53475800',
    )
    expect(reasonOf(await aRegistration(), { chainId: 1n })).toBe('simulated evidence is refused on chain 1')
    expect(reasonOf({ ...(await aRegistration()), evidence: '0x1234' })).toBe(
      'the evidence is not abi-encoded SIM evidence',
    )
    const lowOrder = `0x${'00'.repeat(32)}` as Hex
    const registration = await aRegistration({ bound: { initKey: lowOrder }, registration: { initKey: lowOrder } })
    expect(reasonOf(registration)).toBe('the init key is not a valid X25519 public key')
  })
})
