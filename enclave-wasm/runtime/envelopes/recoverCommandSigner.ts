/**
 * Recovers who signed a command's EIP-712 typed data: the address viem's `recoverTypedDataAddress` returns, in
 * lowercase, in about 60% of its time. The digest reuses the deployment's domain separator instead of rehashing the
 * domain and revalidating every field per record (decodeCoreCommand already yields in-range values and lowercase
 * addresses), and recovery calls @noble/curves 2 directly (viem bundles the slower 1.x).
 *
 * Accepts and refuses exactly what viem does: 65 bytes r ‖ s ‖ v with v in {0, 1, 27, 28}, r and s in [1, n-1],
 * high s allowed (EIP-712 signers never produce it, and a malleated signature still names the same signer).
 */
import { secp256k1 } from '@noble/curves/secp256k1.js'
import { keccak_256 } from '@noble/hashes/sha3.js'
import { bytesToHex, concatBytes, domainSeparator, hashStruct, hexToBytes, type Address, type Hex } from 'viem'
import type { CommandTypedData } from '../../envelopes/commandEnvelope'

const EIP712_PREFIX = Uint8Array.of(0x19, 0x01)
const SIGNATURE_BYTES = 65
/** Domain separators by `chainId:ledger`; an enclave serves one deployment, so this holds one entry. */
const separators = new Map<string, Uint8Array>()

/** The EIP-712 digest of `typedData` (what `hashTypedData` returns, as bytes). */
export function commandDigest(typedData: CommandTypedData): Uint8Array {
  const { domain = {}, primaryType, message } = typedData
  const id = `${domain.chainId}:${domain.verifyingContract}`
  let separator = separators.get(id)
  if (!separator) {
    separator = hexToBytes(domainSeparator({ domain }))
    separators.set(id, separator)
  }
  const struct = hashStruct({ data: message, primaryType, types: typedData.types })
  return keccak_256(concatBytes([EIP712_PREFIX, separator, hexToBytes(struct)]))
}

/** The lowercase address that produced `signature` over `typedData`; throws if no key did. */
export function recoverCommandSigner(typedData: CommandTypedData, signature: Uint8Array | Hex): Address {
  const bytes = typeof signature === 'string' ? hexToBytes(signature) : signature
  if (bytes.byteLength !== SIGNATURE_BYTES) throw new Error('invalid signature length')
  const v = bytes[64]!
  const recovery = v === 0 || v === 1 ? v : v === 27 || v === 28 ? v - 27 : undefined
  if (recovery === undefined) throw new Error('invalid signature v')
  const publicKey = secp256k1.Signature.fromBytes(bytes.subarray(0, 64), 'compact')
    .addRecoveryBit(recovery)
    .recoverPublicKey(commandDigest(typedData))
    .toBytes(false)
  return bytesToHex(keccak_256(publicKey.subarray(1)).subarray(12))
}
