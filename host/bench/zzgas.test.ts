import { it } from 'vitest'
import { measureGroupGas } from '/work/wt-rekey/host/bench/measureGroupGas'
import { readEnclaveManifest } from '/work/wt-rekey/enclave-wasm/platform/manifest'
import { ENCLAVE_BUILD_DIR } from '/work/wt-rekey/enclave-wasm/platform/launchNodeEnclave'
it('gas', async () => {
  const gas = await measureGroupGas({ measurement: (await readEnclaveManifest(ENCLAVE_BUILD_DIR)).measurement })
  process.stdout.write(`GAS ${JSON.stringify(gas)}\n`)
}, 120000)
