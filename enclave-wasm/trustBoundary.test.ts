/**
 * The trust boundary of DESIGN.md §2, checked on every source file: outside enclave-wasm/ only the protocol, the
 * public envelope formats, the platform (the simulated hardware and its loader) and the build tool may be imported —
 * never runtime/ or assembly/, where keys and plaintext live — and enclave-wasm/ imports nothing from the host side.
 * Test files, and fixtures only tests import (*.fixture.ts), may cross the line to exercise the seam itself.
 */
import { readdir, readFile } from 'node:fs/promises'
import { join, relative, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { REPO_ROOT } from '../host/deployment/paths'

const outsideMayImport = (target: string) =>
  target === 'enclave-wasm/protocol' ||
  target === 'enclave-wasm/build' ||
  target.startsWith('enclave-wasm/platform/') ||
  target.startsWith('enclave-wasm/envelopes/')
const HOST_SIDE = ['host/', 'web/', 'cli/', 'e2e/']

async function sourceFiles(folder: string): Promise<string[]> {
  const entries = await readdir(join(REPO_ROOT, folder), { recursive: true, withFileTypes: true })
  return entries
    .filter((e) => e.isFile() && /\.tsx?$/.test(e.name) && !/\.(test|spec|fixture)\.tsx?$/.test(e.name))
    .map((e) => relative(REPO_ROOT, join(e.parentPath, e.name)))
    .filter((path) => !path.includes('node_modules') && !path.includes('/build/') && !path.includes('/generated/'))
}

async function importsOf(file: string): Promise<string[]> {
  const source = await readFile(join(REPO_ROOT, file), 'utf8')
  const specifiers = [
    ...source.matchAll(/(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g),
  ]
    .map((m) => m[1] ?? m[2]!)
    .filter((s) => s.startsWith('.'))
  return specifiers.map((s) => relative(REPO_ROOT, resolve(REPO_ROOT, file, '..', s)).replace(/\.tsx?$/, ''))
}

describe('trust boundary', () => {
  it('host/, web/ and cli/ import from enclave-wasm/ only the protocol, envelope formats, the platform and the build tool', async () => {
    const violations: string[] = []
    for (const folder of ['host', 'web', 'cli']) {
      for (const file of await sourceFiles(folder)) {
        for (const target of await importsOf(file))
          if (target.startsWith('enclave-wasm/') && !outsideMayImport(target)) violations.push(`${file} -> ${target}`)
      }
    }
    expect(violations).toEqual([])
  })

  it('fixtures, which may cross the line, are imported by tests only', async () => {
    const violations: string[] = []
    for (const folder of ['enclave-wasm', 'host', 'web', 'cli', 'contracts']) {
      for (const file of await sourceFiles(folder)) {
        for (const target of await importsOf(file))
          if (target.endsWith('.fixture')) violations.push(`${file} -> ${target}`)
      }
    }
    expect(violations).toEqual([])
  })

  it('enclave-wasm/ imports nothing from host/, web/, cli/ or e2e/', async () => {
    const violations: string[] = []
    for (const file of await sourceFiles('enclave-wasm')) {
      for (const target of await importsOf(file))
        if (HOST_SIDE.some((side) => target.startsWith(side))) violations.push(`${file} -> ${target}`)
    }
    expect(violations).toEqual([])
  })

  it('the platform (what the host may import) imports nothing from the enclave runtime or core', async () => {
    const violations: string[] = []
    for (const file of await sourceFiles('enclave-wasm/platform')) {
      for (const target of await importsOf(file))
        if (target.startsWith('enclave-wasm/runtime/') || target.startsWith('enclave-wasm/assembly/'))
          violations.push(`${file} -> ${target}`)
    }
    expect(violations).toEqual([])
  })

  it('the enclave runtime imports from the platform only its channel, and the envelopes nothing of platform or runtime', async () => {
    // What the enclave verifies (attestation evidence, signatures) it verifies with code inside it or in the public
    // formats, never with the simulated hardware's own code.
    const violations: string[] = []
    for (const file of await sourceFiles('enclave-wasm/runtime')) {
      for (const target of await importsOf(file))
        if (target.startsWith('enclave-wasm/platform/') && target !== 'enclave-wasm/platform/platformChannel')
          violations.push(`${file} -> ${target}`)
    }
    for (const file of await sourceFiles('enclave-wasm/envelopes')) {
      for (const target of await importsOf(file))
        if (target.startsWith('enclave-wasm/platform/') || target.startsWith('enclave-wasm/runtime/'))
          violations.push(`${file} -> ${target}`)
    }
    expect(violations).toEqual([])
  })

  it('the AssemblyScript core imports only its own folder and shared constants', async () => {
    const violations: string[] = []
    for (const file of await sourceFiles('enclave-wasm/assembly')) {
      for (const target of await importsOf(file))
        if (!target.startsWith('enclave-wasm/assembly/') && !target.startsWith('enclave-wasm/shared/'))
          violations.push(`${file} -> ${target}`)
    }
    expect(violations).toEqual([])
  })
})
