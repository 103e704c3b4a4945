// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {IAttestationVerifier} from "./interfaces/IAttestationVerifier.sol";

/**
 * @title SimAttestationVerifier
 * @notice Verifies quotes of the simulated TEE platform. SIMULATION GIVES NO HARDWARE PROTECTION: this verifier
 * works only on test chain ids, so a production registry can never accept simulated enclaves.
 * @dev Evidence = abi.encode(bytes quote, bytes quoteSig, bytes16 platformId, address platformKey, uint8 tcbStatus,
 * bytes certSig). The quote is laid out like an SGX DCAP v4 quote: a 48-byte header and a 384-byte report body.
 * quoteSig is the platform key's signature over keccak256(quote); certSig is the root CA's signature over
 * keccak256(abi.encode(CERT_TAG, platformId, platformKey, tcbStatus)).
 */
contract SimAttestationVerifier is IAttestationVerifier {
    /// @notice The TEE type this verifier serves.
    bytes4 public constant TEE_TYPE = "SIM\x00";
    /// @notice Domain tag of platform certificates.
    bytes32 public constant CERT_TAG = keccak256("anonify/v1 sim platform cert");

    uint256 private constant HEADER_BYTES = 48;
    uint256 private constant BODY_BYTES = 384;
    uint16 private constant QUOTE_VERSION = 4;
    // DCAP v4 report body offsets (Intel SGX EnclaveReport).
    uint256 private constant ATTRIBUTES_OFFSET = HEADER_BYTES + 48;
    uint256 private constant MR_ENCLAVE_OFFSET = HEADER_BYTES + 64;
    uint256 private constant MR_SIGNER_OFFSET = HEADER_BYTES + 128;
    uint256 private constant REPORT_DATA_OFFSET = HEADER_BYTES + 320;
    uint8 private constant DEBUG_FLAG = 0x02;

    address private immutable _rootCa;

    /// @notice Verification is refused outside test chains.
    /// @param chainId The chain this call ran on.
    error SimVerifierNotOnTestChain(uint256 chainId);
    /// @notice The quote is not a 432-byte version-4 SIM quote.
    error SimQuoteMalformed();
    /// @notice The quote was not signed by the certified platform key.
    /// @param signer The key that did sign it.
    error SimQuoteSignatureInvalid(address signer);
    /// @notice The platform key's certificate was not signed by the root CA.
    /// @param platformKey The uncertified platform key.
    error SimPlatformNotCertified(address platformKey);

    /// @param rootCaKey Address of the simulated root CA key that certifies platform keys.
    constructor(address rootCaKey) {
        _rootCa = rootCaKey;
    }

    /// @notice The pinned root CA.
    function rootCa() external view returns (address) {
        return _rootCa;
    }

    /// @inheritdoc IAttestationVerifier
    function verify(bytes calldata evidence) external view returns (Claims memory claims) {
        if (block.chainid != 31337 && block.chainid != 1337) revert SimVerifierNotOnTestChain(block.chainid);
        (
            bytes memory quote,
            bytes memory quoteSig,
            bytes16 platformId,
            address platformKey,
            uint8 tcbStatus,
            bytes memory certSig
        ) = abi.decode(evidence, (bytes, bytes, bytes16, address, uint8, bytes));
        if (quote.length != HEADER_BYTES + BODY_BYTES) revert SimQuoteMalformed();
        if (uint16(uint8(quote[0])) | (uint16(uint8(quote[1])) << 8) != QUOTE_VERSION) revert SimQuoteMalformed();
        if (bytes4(_word(quote, 4)) != TEE_TYPE) revert SimQuoteMalformed();

        bytes32 certDigest = keccak256(abi.encode(CERT_TAG, platformId, platformKey, tcbStatus));
        (address certSigner, ECDSA.RecoverError certError, ) = ECDSA.tryRecover(certDigest, certSig);
        if (certError != ECDSA.RecoverError.NoError || certSigner != _rootCa) revert SimPlatformNotCertified(platformKey);
        (address quoteSigner, ECDSA.RecoverError quoteError, ) = ECDSA.tryRecover(keccak256(quote), quoteSig);
        if (quoteError != ECDSA.RecoverError.NoError || quoteSigner != platformKey) revert SimQuoteSignatureInvalid(quoteSigner);

        claims = Claims({
            teeType: TEE_TYPE,
            measurement: _word(quote, MR_ENCLAVE_OFFSET),
            signerId: _word(quote, MR_SIGNER_OFFSET),
            tcbStatus: tcbStatus,
            debug: uint8(quote[ATTRIBUTES_OFFSET]) & DEBUG_FLAG != 0,
            reportDataLo: _word(quote, REPORT_DATA_OFFSET),
            reportDataHi: _word(quote, REPORT_DATA_OFFSET + 32),
            platformId: bytes32(platformId)
        });
    }

    /// @dev Reads 32 bytes of `data` at `offset`; callers stay within the 432 checked bytes.
    function _word(bytes memory data, uint256 offset) private pure returns (bytes32 word) {
        // One mload: the bounds are the callers', as stated above.
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            word := mload(add(add(data, 0x20), offset))
        }
    }
}
