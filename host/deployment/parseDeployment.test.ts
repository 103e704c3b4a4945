import { describe, expect, it } from 'vitest'
import { DEFAULT_EVM_VERSION } from '../../contracts/generated/evmVersions'
import { DEV_CONFIRMATIONS, InvalidDeploymentError, parseDeployment } from './parseDeployment'

/** A deployment file as `anonify deploy` writes it, with `overrides` applied. */
const aDeploymentFile = (overrides: Record<string, unknown> = {}) => ({
  version: 1,
  chainId: 31337,
  rpcUrl: 'http://127.0.0.1:8545',
  deployBlock: 2,
  evmVersion: 'cancun',
  contracts: {
    ledger: '0xe7f1725e7734ce288f8367e1bb143e90bb3f0512',
    verifier: '0x5fbdb2315678afecb367f032d93f642f64180aa3',
  },
  enclave: { measurement: `0x${'ab'.repeat(32)}` },
  ...overrides,
})

describe('parseDeployment', () => {
  it('default: keeps the EVM version the file names', () => {
    expect(parseDeployment(aDeploymentFile()).evmVersion).toBe('cancun')
  })

  it('behavior: a file written before the field existed means the default version', () => {
    expect(parseDeployment(aDeploymentFile({ evmVersion: undefined })).evmVersion).toBe(DEFAULT_EVM_VERSION)
  })

  it('error: refuses an EVM version the contracts are not compiled for', () => {
    expect(() => parseDeployment(aDeploymentFile({ evmVersion: 'paris' }), 'd.json')).toThrow(InvalidDeploymentError)
    expect(() => parseDeployment(aDeploymentFile({ evmVersion: 'paris' }), 'd.json')).toThrow(
      'evmVersion must be one of shanghai, cancun, prague, osaka',
    )
  })
  it('default: keeps the finality policy the file names', () => {
    expect(parseDeployment(aDeploymentFile({ finality: { confirmations: 5 } })).finality).toEqual({ confirmations: 5 })
    expect(parseDeployment(aDeploymentFile({ finality: { blockTag: 'finalized' } })).finality).toEqual({
      blockTag: 'finalized',
    })
  })

  it('behavior: a file without a finality policy gets a short one on a dev chain, the finalized tag elsewhere', () => {
    expect(parseDeployment(aDeploymentFile()).finality).toEqual({ confirmations: DEV_CONFIRMATIONS })
    expect(parseDeployment(aDeploymentFile({ chainId: 1 })).finality).toEqual({ blockTag: 'finalized' })
  })

  it('error: refuses a finality policy of another shape', () => {
    for (const finality of [{ confirmations: -1 }, { confirmations: 1.5 }, { blockTag: 'latest' }, 'finalized', {}])
      expect(() => parseDeployment(aDeploymentFile({ finality }), 'd.json')).toThrow(
        'finality must be { "blockTag": "finalized" } or { "confirmations": 0..10000 }',
      )
  })
})
