// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {EnclaveRegistry} from "./EnclaveRegistry.sol";

/**
 * @title AppGovernance
 * @notice Governance decisions about the confidential apps. The contract cannot see app state: it only lets a
 * GOVERNOR_ROLE account append the decision to the input stream, and every enclave applies it the same way.
 */
abstract contract AppGovernance is EnclaveRegistry {
    /// @notice Governance granted the identity app's KYC issuer role (replacing any earlier issuer).
    /// @param issuer The account that may now attest and revoke identity attributes.
    /// @param governor The governor that granted it.
    event IdentityIssuerGranted(address indexed issuer, address indexed governor);

    /// @notice The KYC issuer cannot be the zero address (the enclaves read it as "no issuer").
    error GovernanceZeroIssuer();

    /**
     * @notice Makes `issuer` the identity app's KYC issuer, replacing any earlier one. Appends a
     * KIND_IDENTITY_ISSUER_GRANTED input (layout in InputStream).
     * @param issuer The account that may attest and revoke identity attributes from then on.
     */
    function grantIdentityIssuer(address issuer) external onlyRole(GOVERNOR_ROLE) {
        if (issuer == address(0)) revert GovernanceZeroIssuer();
        emit IdentityIssuerGranted(issuer, msg.sender);
        _append(KIND_IDENTITY_ISSUER_GRANTED, abi.encode(uint64(block.number), msg.sender, issuer));
    }
}
