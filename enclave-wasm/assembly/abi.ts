// The core's self-description, read by the runtime at boot.
import { CORE_ABI_VERSION } from '../shared/constants'

/** Version of this module's export surface (see shared/constants.ts). */
export function coreAbiVersion(): u32 {
  return CORE_ABI_VERSION
}
