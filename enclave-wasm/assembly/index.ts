// The whole export surface of core.wasm. The host sees numbers and byte buffers only.
export { coreAbiVersion } from './abi'
export { apply, inputPtr, outputPtr, query, read } from './apply'
export { leavesExport, leavesLength, leavesPtr } from './leaves'
export { snapshotExport, snapshotImport, snapshotLength, snapshotPtr, snapshotStage } from './snapshot'
