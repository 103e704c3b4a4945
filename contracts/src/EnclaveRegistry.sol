// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IAttestationVerifier} from "./interfaces/IAttestationVerifier.sol";
import {InputStream} from "./InputStream.sol";

/**
 * @title EnclaveRegistry
 * @notice Admits enclaves whose attestation passes policy, and records every membership change in the input stream
 * so all enclaves see the same member list at the same sequence number.
 * @dev Verifiers check evidence; this contract applies policy: measurement allow-list, TCB status, no debug,
 * freshness (an anchor block hash at most ANCHOR_MAX_AGE_BLOCKS old), expiry, and the report_data binding of
 * (chainId, contract, operator, enclave signer, init key, anchor block hash).
 */
abstract contract EnclaveRegistry is InputStream, AccessControl {
    /// @notice May set verifiers, allow or revoke measurements, set TCB acceptance and remove enclaves.
    bytes32 public constant GOVERNOR_ROLE = keccak256("GOVERNOR_ROLE");
    /// @notice The oldest anchor block a registration may bind (blockhash is available for 256 blocks).
    uint256 public constant ANCHOR_MAX_AGE_BLOCKS = 256;
    /// @notice Removal reason carried in KIND_MEMBER_REMOVED inputs: governance removed the enclave.
    uint8 public constant REMOVED_BY_GOVERNANCE = 1;
    /// @notice Removal reason: governance revoked the enclave's measurement.
    uint8 public constant REMOVED_MEASUREMENT_REVOKED = 2;
    /// @notice Removal reason: the registration expired.
    uint8 public constant REMOVED_EXPIRED = 3;

    struct Enclave {
        address operator;
        uint64 expiresAt;
        bool active;
        /// @dev As the verifier reported it at registration (IAttestationVerifier.Claims.tcbStatus).
        uint8 tcbStatus;
        bytes32 measurement;
        bytes32 initKey;
    }

    mapping(bytes4 teeType => IAttestationVerifier) private _verifiers;
    mapping(bytes32 measurement => bool) private _allowedMeasurements;
    mapping(uint8 tcbStatus => bool) private _acceptableTcb;
    mapping(address signer => Enclave) private _enclaves;
    address[] private _members;
    uint64 private _attestationTtlSeconds = 30 days;

    /// @notice An enclave was admitted.
    /// @param signer The enclave's signer address.
    /// @param operator The account that registered it.
    /// @param measurement The enclave's measurement.
    /// @param initKey The enclave's X25519 init key.
    event EnclaveRegistered(address indexed signer, address indexed operator, bytes32 measurement, bytes32 initKey);
    /// @notice An enclave left the group.
    /// @param signer The enclave's signer address.
    /// @param reason One of the REMOVED_* reasons.
    event EnclaveRemoved(address indexed signer, uint8 reason);
    /// @notice Governance set the verifier of a TEE type.
    /// @param teeType The TEE type.
    /// @param verifier Its new verifier.
    event VerifierSet(bytes4 indexed teeType, address verifier);
    /// @notice Governance allowed a measurement.
    /// @param measurement The measurement allowed.
    event MeasurementAllowed(bytes32 indexed measurement);
    /// @notice Governance revoked a measurement; its enclaves were removed.
    /// @param measurement The measurement revoked.
    event MeasurementRevoked(bytes32 indexed measurement);
    /// @notice Governance changed whether a TCB status is acceptable.
    /// @param tcbStatus The TCB status.
    /// @param acceptable Whether registrations with it are accepted.
    event TcbAcceptanceSet(uint8 indexed tcbStatus, bool acceptable);
    /// @notice Governance changed how long a registration lasts before the enclave must re-attest.
    /// @param ttlSeconds The new lifetime of a registration.
    event AttestationTtlSet(uint64 ttlSeconds);

    /// @notice No verifier is set for this TEE type.
    error RegistryNoVerifier(bytes4 teeType);
    /// @notice The verifier returned claims for another TEE type.
    error RegistryTeeTypeMismatch(bytes4 expected, bytes4 actual);
    /// @notice The enclave's measurement is not on the allow-list.
    error RegistryMeasurementNotAllowed(bytes32 measurement);
    /// @notice The evidence comes from a debug enclave, whose memory the host can read.
    error RegistryDebugEnclave(bytes32 measurement);
    /// @notice The platform's TCB status is not acceptable (e.g. OutOfDate or Revoked).
    error RegistryTcbNotAcceptable(uint8 tcbStatus);
    /// @notice The anchor block is in the future or more than ANCHOR_MAX_AGE_BLOCKS old.
    error RegistryStaleAnchor(uint256 anchorBlock, uint256 currentBlock);
    /// @notice report_data does not bind this chain, contract, sender, signer, init key and anchor block hash.
    error RegistryBindingMismatch(bytes32 expected, bytes32 actual);
    /// @notice The enclave signer is already an active member.
    error RegistryAlreadyRegistered(address signer);
    /// @notice The enclave signer is not an active member.
    error RegistryNotMember(address signer);
    /// @notice The enclave's registration has not expired yet.
    error RegistryNotExpired(address signer, uint64 expiresAt);

    /// @param governor Receives the admin and governor roles.
    constructor(address governor) {
        _grantRole(DEFAULT_ADMIN_ROLE, governor);
        _grantRole(GOVERNOR_ROLE, governor);
        _acceptableTcb[0] = true;
        emit TcbAcceptanceSet(0, true);
    }

    /**
     * @notice Registers an enclave from its attestation evidence. The caller is the enclave's operator, who pays
     * for it; report_data binds the caller, so a copied quote cannot be registered by anyone else.
     * @param teeType Selects the verifier ("SIM\0", …).
     * @param evidence The verifier's evidence (a quote and its certificate chain).
     * @param signer The enclave's secp256k1 address, generated inside the enclave.
     * @param initKey The enclave's X25519 init key, to which epoch secrets are sealed.
     * @param anchorBlock A recent block whose hash the quote binds, which bounds the quote's age.
     */
    function register(bytes4 teeType, bytes calldata evidence, address signer, bytes32 initKey, uint256 anchorBlock)
        external
    {
        IAttestationVerifier verifier = _verifiers[teeType];
        if (address(verifier) == address(0)) revert RegistryNoVerifier(teeType);
        IAttestationVerifier.Claims memory claims = verifier.verify(evidence);
        if (claims.teeType != teeType) revert RegistryTeeTypeMismatch(teeType, claims.teeType);
        if (!_allowedMeasurements[claims.measurement]) revert RegistryMeasurementNotAllowed(claims.measurement);
        if (claims.debug) revert RegistryDebugEnclave(claims.measurement);
        if (!_acceptableTcb[claims.tcbStatus]) revert RegistryTcbNotAcceptable(claims.tcbStatus);
        if (anchorBlock >= block.number || block.number - anchorBlock > ANCHOR_MAX_AGE_BLOCKS) {
            revert RegistryStaleAnchor(anchorBlock, block.number);
        }
        bytes32 expected = bindingOf(msg.sender, signer, initKey, blockhash(anchorBlock));
        if (claims.reportDataLo != expected) revert RegistryBindingMismatch(expected, claims.reportDataLo);
        if (_enclaves[signer].active) revert RegistryAlreadyRegistered(signer);

        uint64 expiresAt = uint64(block.timestamp) + _attestationTtlSeconds;
        _enclaves[signer] = Enclave(msg.sender, expiresAt, true, claims.tcbStatus, claims.measurement, initKey);
        _members.push(signer);
        emit EnclaveRegistered(signer, msg.sender, claims.measurement, initKey);
        _append(KIND_MEMBER_ADDED, abi.encode(signer, msg.sender, initKey, claims.measurement));
    }

    /// @notice Removes an enclave from the group (governance).
    /// @param signer The member to remove.
    function removeEnclave(address signer) external onlyRole(GOVERNOR_ROLE) {
        if (!_enclaves[signer].active) revert RegistryNotMember(signer);
        _remove(signer, REMOVED_BY_GOVERNANCE);
    }

    /// @notice Removes an enclave whose registration expired; anyone may call it.
    /// @param signer The expired member.
    function removeExpired(address signer) external {
        Enclave storage enclave = _enclaves[signer];
        if (!enclave.active) revert RegistryNotMember(signer);
        if (block.timestamp < enclave.expiresAt) revert RegistryNotExpired(signer, enclave.expiresAt);
        _remove(signer, REMOVED_EXPIRED);
    }

    /// @notice Sets the verifier for a TEE type (governance). Changing it is a code upgrade: review it as one.
    /// @param teeType The TEE type ("SIM\0", …).
    /// @param verifier The verifier of its evidence.
    function setVerifier(bytes4 teeType, IAttestationVerifier verifier) external onlyRole(GOVERNOR_ROLE) {
        _verifiers[teeType] = verifier;
        emit VerifierSet(teeType, address(verifier));
    }

    /// @notice Allows enclaves with `measurement` to register (governance).
    /// @param measurement The enclave measurement to allow.
    function allowMeasurement(bytes32 measurement) external onlyRole(GOVERNOR_ROLE) {
        _allowedMeasurements[measurement] = true;
        emit MeasurementAllowed(measurement);
    }

    /// @notice Revokes `measurement` and removes every member running it (governance).
    /// @param measurement The enclave measurement to revoke.
    function revokeMeasurement(bytes32 measurement) external onlyRole(GOVERNOR_ROLE) {
        _allowedMeasurements[measurement] = false;
        emit MeasurementRevoked(measurement);
        // Walk backwards: _remove shifts later members down. The member list is small (≤ 50).
        for (uint256 i = _members.length; i > 0; --i) {
            address signer = _members[i - 1];
            if (_enclaves[signer].measurement == measurement) _remove(signer, REMOVED_MEASUREMENT_REVOKED);
        }
    }

    /// @notice Sets whether a TCB status is acceptable at registration (governance).
    /// @param tcbStatus The TCB status, as verifiers report it.
    /// @param acceptable Whether registrations with it are accepted.
    function setTcbAcceptable(uint8 tcbStatus, bool acceptable) external onlyRole(GOVERNOR_ROLE) {
        _acceptableTcb[tcbStatus] = acceptable;
        emit TcbAcceptanceSet(tcbStatus, acceptable);
    }

    /// @notice Sets how long new registrations last (governance); expired members are removed by removeExpired.
    /// @param ttlSeconds The lifetime of a registration.
    function setAttestationTtl(uint64 ttlSeconds) external onlyRole(GOVERNOR_ROLE) {
        _attestationTtlSeconds = ttlSeconds;
        emit AttestationTtlSet(ttlSeconds);
    }

    /// @notice The report_data[0:32] an enclave must present: SHA-256("anonify/v1 ra" ‖ chainId ‖ this ‖ operator ‖
    /// signer ‖ initKey ‖ anchorHash).
    /// @param operator The account that registers the enclave.
    /// @param signer The enclave's signer address.
    /// @param initKey The enclave's X25519 init key.
    /// @param anchorHash The hash of the anchor block.
    function bindingOf(address operator, address signer, bytes32 initKey, bytes32 anchorHash)
        public
        view
        returns (bytes32)
    {
        return sha256(abi.encodePacked("anonify/v1 ra", block.chainid, address(this), operator, signer, initKey, anchorHash));
    }

    /// @notice Active members in the order the input stream admitted them.
    function members() external view returns (address[] memory) {
        return _members;
    }

    /// @notice keccak256 of the packed member list: what a rekey must cover.
    function memberSetHash() public view returns (bytes32) {
        return keccak256(abi.encodePacked(_members));
    }

    /// @notice The registration of `signer` (inactive if unknown or removed).
    /// @param signer The enclave's signer address.
    function enclaveOf(address signer) external view returns (Enclave memory) {
        return _enclaves[signer];
    }

    /// @notice Whether `signer` is a member whose registration has not expired.
    /// @param signer The enclave's signer address.
    function isActive(address signer) public view returns (bool) {
        Enclave storage enclave = _enclaves[signer];
        return enclave.active && block.timestamp < enclave.expiresAt;
    }

    /// @notice Whether enclaves with `measurement` may register.
    /// @param measurement The enclave measurement.
    function isMeasurementAllowed(bytes32 measurement) external view returns (bool) {
        return _allowedMeasurements[measurement];
    }

    /// @notice The verifier of `teeType` (zero if none).
    /// @param teeType The TEE type.
    function verifierOf(bytes4 teeType) external view returns (IAttestationVerifier) {
        return _verifiers[teeType];
    }

    /// @dev How many members the group has.
    function _memberCount() internal view returns (uint256) {
        return _members.length;
    }

    /// @dev The current init key of `signer`.
    function _initKeyOf(address signer) internal view returns (bytes32) {
        return _enclaves[signer].initKey;
    }

    /// @dev Lets EpochKeys replace a member's init key.
    function _setInitKey(address signer, bytes32 initKey) internal {
        _enclaves[signer].initKey = initKey;
    }

    /// @dev Removes `signer` keeping the others' order, which every enclave mirrors from the input.
    function _remove(address signer, uint8 reason) private {
        _enclaves[signer].active = false;
        uint256 last = _members.length - 1;
        uint256 i = 0;
        while (_members[i] != signer) ++i;
        for (; i < last; ++i) _members[i] = _members[i + 1];
        _members.pop();
        emit EnclaveRemoved(signer, reason);
        _append(KIND_MEMBER_REMOVED, abi.encode(signer, reason));
    }
}
