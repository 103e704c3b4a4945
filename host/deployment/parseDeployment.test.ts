import { describe, expect, it } from 'vitest'
import { DEFAULT_EVM_VERSION } from '../../contracts/generated/evmVersions'
import { InvalidDeploymentError, parseDeployment } from './parseDeployment'

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
})
