// The whole export surface of core.wasm. The host sees numbers and byte buffers only.
export { coreAbiVersion } from './abi'
export { apply, inputPtr, outputPtr, queryAccount, queryAllowance, queryToken } from './apply'
export { snapshotExport, snapshotImport, snapshotLength, snapshotPtr, snapshotStage } from './snapshot'
