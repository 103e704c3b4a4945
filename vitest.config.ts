/** Vitest: `unit` covers enclave, host and CLI code beside its sources; `contracts` runs against test-owned anvils. */
import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['{enclave-wasm,host,cli,web}/**/*.test.ts'],
          exclude: ['**/node_modules/**', 'enclave-wasm/assembly/**'],
          environment: 'node',
        },
      },
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
