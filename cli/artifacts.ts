/**
 * The generated code the commands run on: typed contract ABIs (contracts/generated/) and the enclave image
 * (enclave-wasm/build/). Neither is committed, so a fresh clone has neither: the CLI builds what a command needs
 * before loading it, instead of failing to import it. This module imports no generated code itself.
 */
import { existsSync } from 'node:fs'
import type { Hex } from 'viem'
import { resolveRepoPath } from '../host/deployment/paths'
import { step } from './step'

export type Artifact = 'contracts' | 'enclave'

/** Written last by each build, so its presence means the build finished. */
const BUILT_MARKER: Record<Artifact, string> = {
  contracts: 'contracts/generated/.stamp',
  enclave: 'enclave-wasm/build/manifest.json',
}

// Loaded on use: the compilers (solc, AssemblyScript with binaryen) take seconds to load, and most runs never build.
const build = {
  contracts: async () => {
    const { buildContracts } = await import('../contracts/build')
    const result = await buildContracts()
    for (const warning of result.warnings) console.warn(warning)
    return result
  },
  enclave: async () => {
    const { buildEnclave } = await import('../enclave-wasm/build')
    return buildEnclave()
  },
}

/** Builds whichever of `needs` is missing (a fresh clone), reporting on stderr so `--json` output stays clean. */
export async function ensureArtifacts(needs: readonly Artifact[]): Promise<void> {
  const missing = needs.filter((artifact) => !existsSync(resolveRepoPath(BUILT_MARKER[artifact])))
  if (missing.length === 0) return
  process.stderr.write(`First run: building ${missing.join(' and ')} (generated code is not committed).\n`)
  if (missing.includes('contracts'))
    await step('Compiling contracts (solc)', build.contracts, undefined, process.stderr)
  if (missing.includes('enclave'))
    await step('Building enclave (AssemblyScript)', build.enclave, undefined, process.stderr)
}

/** Compiles the contracts and the enclave image if their sources changed; returns the measurement to deploy. */
export async function buildArtifacts(): Promise<Hex> {
  await step('Compiling contracts (solc)', build.contracts, (r) =>
    r.compiled ? `${r.contracts.length} contracts` : 'up to date',
  )
  const manifest = await step('Building enclave (AssemblyScript)', build.enclave, (m) => `measurement ${m.measurement}`)
  return manifest.measurement
}
