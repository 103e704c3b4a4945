/** Vite: the web app lives in web/, static assets in public/, and the enclave image is served unmodified. */
import react from '@vitejs/plugin-react'
import { defineConfig } from 'vite'
// Explicit extensions: Vite loads this config without a TypeScript resolver, so it imports only these two files.
import { DEFAULT_DEPLOYMENT_PATH, resolveRepoPath } from './host/deployment/paths.ts'
import { anonifyAssets } from './web/vite/anonifyAssets.ts'

export default defineConfig({
  root: resolveRepoPath('web'),
  publicDir: resolveRepoPath('public'),
  plugins: [
    react(),
    anonifyAssets({
      enclaveBuildDir: resolveRepoPath('enclave-wasm/build'),
      deploymentPath: resolveRepoPath(process.env.ANONIFY_DEPLOYMENT ?? DEFAULT_DEPLOYMENT_PATH),
    }),
  ],
  server: { host: '127.0.0.1' },
  preview: { host: '127.0.0.1' },
  build: { outDir: resolveRepoPath('dist'), emptyOutDir: true, target: 'es2022' },
})
