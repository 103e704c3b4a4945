/**
 * Vitest: `unit` covers enclave, host and CLI code beside its sources; `contracts` runs against test-owned anvils;
 * `bench` runs `anonify bench --json` once (a minute of real enclaves) to check its public field names.
 */
import { defineConfig } from 'vitest/config'

const BENCH_TEST = 'cli/commands/bench.test.ts'

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['{enclave-wasm,host,cli,web}/**/*.test.ts'],
          exclude: ['**/node_modules/**', 'enclave-wasm/assembly/**', BENCH_TEST],
          environment: 'node',
        },
      },
      { test: { name: 'bench', include: [BENCH_TEST], environment: 'node' } },
      {
        test: {
          name: 'contracts',
          include: ['contracts/test/**/*.test.ts'],
          environment: 'node',
          testTimeout: 30_000,
          hookTimeout: 30_000,
        },
      },
    ],
  },
})
