// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

/**
 * @title IAttestationVerifier
 * @notice Checks one TEE kind's evidence cryptographically and returns normalised claims. Policy (which
 * measurements, which TCB levels, debug, freshness) belongs to the registry, never to a verifier.
 */
interface IAttestationVerifier {
    /// @notice What verified evidence says about an enclave.
    struct Claims {
        /// @dev "SIM\0", "SGX\0", "TDX\0", …
        bytes4 teeType;
        /// @dev The enclave measurement (mrEnclave for SIM and SGX).
        bytes32 measurement;
        /// @dev The enclave author's identity (mrSigner).
        bytes32 signerId;
        /// @dev 0 UpToDate, 1 SWHardeningNeeded, 2 ConfigNeeded, 3 ConfigAndSWHardeningNeeded, 4 OutOfDate,
        /// 5 OutOfDateConfigNeeded, 6 Revoked, 7 Unknown.
        uint8 tcbStatus;
        bool debug;
        /// @dev report_data[0:32]: the binding hash the registry recomputes.
        bytes32 reportDataLo;
        /// @dev report_data[32:64]: a verifier nonce, or zero.
        bytes32 reportDataHi;
        bytes32 platformId;
    }

    /**
     * @notice Verifies `evidence` and returns its claims.
     * @param evidence The verifier's evidence (a quote and its certificate chain).
     * @dev MUST revert on any structural or cryptographic failure. MUST NOT apply registry policy.
     */
    function verify(bytes calldata evidence) external view returns (Claims memory);
}
