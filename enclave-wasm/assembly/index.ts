// The whole export surface of core.wasm. The host sees numbers and byte buffers only.
export { coreAbiVersion } from './abi'
