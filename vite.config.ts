/** Vite: the web app lives in web/, static assets in public/, and the enclave image is served unmodified. */
import react from '@vitejs/plugin-react'
import { defineConfig } from 'vite'
import { DEFAULT_DEPLOYMENT_PATH } from './host/deployment/deploymentFile'
import { resolveRepoPath } from './host/deployment/resolveRepoPath'
import { anonifyAssets } from './web/vite/anonifyAssets'

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
