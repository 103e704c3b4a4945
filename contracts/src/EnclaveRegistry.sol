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
 * (chainId, contract, operator, enclave signer, init key, anchor block hash). Members renew their registration with
 * `reattest` before it expires; `removeExpired` never removes the last member holding the epoch. The evidence goes
 * into the input stream with each registration, so enclaves verify it themselves with the same policy.
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
    /// @notice Removal reason: enough members complained that the enclave's rekey shares do not open (EpochKeys).
    uint8 public constant REMOVED_BAD_REKEY = 4;

    struct Enclave {
        address operator;
        uint64 expiresAt;
        bool active;
        /// @dev As the verifier reported it at the latest registration or re-attestation.
        uint8 tcbStatus;
        /// @dev The epoch that was current when it was admitted: every later rekey sealed it a share.
        uint64 admittedEpoch;
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
    /// @notice A member renewed its registration until `expiresAt`.
    /// @param signer The member's enclave signer.
    /// @param expiresAt When the renewed registration expires (unix seconds).
    /// @param tcbStatus The TCB status its fresh evidence reported.
    event EnclaveReattested(address indexed signer, uint64 expiresAt, uint8 tcbStatus);
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
    /// @notice The enclave signer was a member and was removed; its enclave dropped that identity, so it never returns.
    error RegistrySignerRetired(address signer);
    /// @notice Only the member's operator may re-attest it.
    error RegistryNotOperator(address signer, address caller);
    /// @notice A re-attestation must come from the registered measurement; a new build registers as a new member.
    error RegistryMeasurementChanged(bytes32 registered, bytes32 attested);
    /// @notice Removing this member would leave no member that holds the current epoch.
    error RegistryLastEpochHolder(address signer);
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
        if (_enclaves[signer].active) revert RegistryAlreadyRegistered(signer);
        // A removed signer's enclave dropped its keys; a copy of its old evidence must not bring the address back.
        if (_enclaves[signer].operator != address(0)) revert RegistrySignerRetired(signer);
        (IAttestationVerifier.Claims memory claims, bytes32 anchorHash) =
            _verifyAttestation(teeType, evidence, signer, initKey, anchorBlock);

        uint64 expiresAt = uint64(block.timestamp) + _attestationTtlSeconds;
        _enclaves[signer] =
            Enclave(msg.sender, expiresAt, true, claims.tcbStatus, _currentEpoch(), claims.measurement, initKey);
        _members.push(signer);
        _onMembershipChange();
        emit EnclaveRegistered(signer, msg.sender, claims.measurement, initKey);
        _appendRegistration(KIND_MEMBER_ADDED, signer, initKey, claims, anchorHash, evidence);
    }

    /**
     * @notice Renews a member's registration with fresh evidence, under the same policy as `register`, and extends it
     * to the attestation TTL from now. Only the member's operator may call it, while the enclave is a member (also
     * once expired, until someone removes it). report_data must bind the member's current init key.
     * @dev Member nodes call this in the last fifth of the TTL, so removeExpired only meets members that were away
     * longer than that. The measurement must stay the registered one: another build cannot open the sealed signer key,
     * so it registers as a new member. Appends a KIND_MEMBER_REATTESTED input so every enclave re-verifies the
     * evidence.
     * @param teeType Selects the verifier.
     * @param evidence Fresh evidence from the member's enclave.
     * @param signer The member.
     * @param anchorBlock A recent block whose hash the quote binds.
     */
    function reattest(bytes4 teeType, bytes calldata evidence, address signer, uint256 anchorBlock) external {
        Enclave storage enclave = _enclaves[signer];
        if (!enclave.active) revert RegistryNotMember(signer);
        if (enclave.operator != msg.sender) revert RegistryNotOperator(signer, msg.sender);
        (IAttestationVerifier.Claims memory claims, bytes32 anchorHash) =
            _verifyAttestation(teeType, evidence, signer, enclave.initKey, anchorBlock);
        if (claims.measurement != enclave.measurement) {
            revert RegistryMeasurementChanged(enclave.measurement, claims.measurement);
        }

        enclave.expiresAt = uint64(block.timestamp) + _attestationTtlSeconds;
        enclave.tcbStatus = claims.tcbStatus;
        emit EnclaveReattested(signer, enclave.expiresAt, claims.tcbStatus);
        _appendRegistration(KIND_MEMBER_REATTESTED, signer, enclave.initKey, claims, anchorHash, evidence);
    }

    /// @notice Removes an enclave from the group (governance).
    /// @param signer The member to remove.
    function removeEnclave(address signer) external onlyRole(GOVERNOR_ROLE) {
        if (!_enclaves[signer].active) revert RegistryNotMember(signer);
        _remove(signer, REMOVED_BY_GOVERNANCE);
    }

    /**
     * @notice Removes an enclave whose registration expired; anyone may call it. Never removes the last member that
     * holds the current epoch: that one stays, expired, until it re-attests and keys the others in, or governance
     * removes it.
     * @dev The contract knows membership, not which enclave opened which share, so "holds the epoch" means: admitted
     * before the current epoch began, hence in the member set the rekey that started it sealed a share to. An expired
     * holder is removed only while another holder (expired or not) stays. Members admitted since, and every member
     * before the first epoch, hold nothing and are removed as usual. An expired member cannot propose a rekey
     * (EpochKeys checks isActive), so the one kept is of use once it re-attests.
     * @param signer The expired member.
     */
    function removeExpired(address signer) external {
        Enclave storage enclave = _enclaves[signer];
        if (!enclave.active) revert RegistryNotMember(signer);
        if (block.timestamp < enclave.expiresAt) revert RegistryNotExpired(signer, enclave.expiresAt);
        if (_isLastEpochHolder(signer)) revert RegistryLastEpochHolder(signer);
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

    /// @notice Sets how long new registrations and re-attestations last (governance); expired members are removed
    /// by removeExpired.
    /// @param ttlSeconds The lifetime of a registration or re-attestation.
    function setAttestationTtl(uint64 ttlSeconds) external onlyRole(GOVERNOR_ROLE) {
        _attestationTtlSeconds = ttlSeconds;
        emit AttestationTtlSet(ttlSeconds);
    }

    /// @notice How long a registration or re-attestation lasts, in seconds.
    function attestationTtlSeconds() external view returns (uint64) {
        return _attestationTtlSeconds;
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

    /// @notice Every member with its registration and whether its measurement is still allowed, in one call: what a
    /// wallet's network view shows, without a call per member.
    /// @return signers The members, in admission order.
    /// @return records Their registrations, in the same order.
    /// @return allowed Whether each one's measurement is allowed.
    function memberRecords()
        external
        view
        returns (address[] memory signers, Enclave[] memory records, bool[] memory allowed)
    {
        signers = _members;
        records = new Enclave[](signers.length);
        allowed = new bool[](signers.length);
        for (uint256 i = 0; i < signers.length; ++i) {
            records[i] = _enclaves[signers[i]];
            allowed[i] = _allowedMeasurements[records[i].measurement];
        }
    }

    /// @notice keccak256 of (signer ‖ current init key) of every member, in order: what a rekey must cover. Binding
    /// the init keys makes a proposal built before any member replaced its init key stale: its share for that member
    /// is sealed to a key the member has erased, so accepting it would leave the group with an epoch nobody opens.
    function memberSetHash() public view returns (bytes32) {
        bytes memory packed = new bytes(0);
        for (uint256 i = 0; i < _members.length; ++i) {
            packed = abi.encodePacked(packed, _members[i], _enclaves[_members[i]].initKey);
        }
        return keccak256(packed);
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

    /// @dev The current epoch (EpochKeys): which members hold it depends on when they were admitted.
    function _currentEpoch() internal view virtual returns (uint64);

    /// @dev Called on every admission and removal, before its input is appended (EpochKeys voids a pending rekey).
    function _onMembershipChange() internal virtual;

    /// @dev Verifies `evidence` with the verifier of `teeType` and applies the registry's policy, report_data bound to
    /// (msg.sender, signer, initKey, blockhash(anchorBlock)); returns the claims and the anchor hash.
    function _verifyAttestation(
        bytes4 teeType,
        bytes calldata evidence,
        address signer,
        bytes32 initKey,
        uint256 anchorBlock
    ) private view returns (IAttestationVerifier.Claims memory claims, bytes32 anchorHash) {
        IAttestationVerifier verifier = _verifiers[teeType];
        if (address(verifier) == address(0)) revert RegistryNoVerifier(teeType);
        claims = verifier.verify(evidence);
        if (claims.teeType != teeType) revert RegistryTeeTypeMismatch(teeType, claims.teeType);
        if (!_allowedMeasurements[claims.measurement]) revert RegistryMeasurementNotAllowed(claims.measurement);
        if (claims.debug) revert RegistryDebugEnclave(claims.measurement);
        if (!_acceptableTcb[claims.tcbStatus]) revert RegistryTcbNotAcceptable(claims.tcbStatus);
        if (anchorBlock >= block.number || block.number - anchorBlock > ANCHOR_MAX_AGE_BLOCKS) {
            revert RegistryStaleAnchor(anchorBlock, block.number);
        }
        anchorHash = blockhash(anchorBlock);
        bytes32 expected = bindingOf(msg.sender, signer, initKey, anchorHash);
        if (claims.reportDataLo != expected) revert RegistryBindingMismatch(expected, claims.reportDataLo);
    }

    /// @dev Appends a KIND_MEMBER_ADDED or KIND_MEMBER_REATTESTED input (layout in InputStream); claims.teeType is the
    /// caller's teeType, which _verifyAttestation checked.
    function _appendRegistration(
        uint8 kind,
        address signer,
        bytes32 initKey,
        IAttestationVerifier.Claims memory claims,
        bytes32 anchorHash,
        bytes calldata evidence
    ) private {
        bytes memory payload =
            abi.encode(signer, msg.sender, initKey, claims.measurement, claims.teeType, anchorHash, evidence);
        _append(kind, payload);
    }

    /// @dev Whether removing `signer` would leave no member holding the current epoch, so no one able to rekey.
    function _isLastEpochHolder(address signer) internal view returns (bool) {
        return _holdsEpoch(signer) && !_anotherHoldsEpoch(signer);
    }

    /// @dev Whether the rekey that started the current epoch sealed `signer` a share.
    function _holdsEpoch(address signer) internal view returns (bool) {
        return _enclaves[signer].admittedEpoch < _currentEpoch();
    }

    /// @dev Whether a member other than `signer` holds the current epoch. The member list is small (≤ 50).
    function _anotherHoldsEpoch(address signer) private view returns (bool) {
        for (uint256 i = 0; i < _members.length; ++i) {
            if (_members[i] != signer && _holdsEpoch(_members[i])) return true;
        }
        return false;
    }

    /// @dev How many members the group has.
    function _memberCount() internal view returns (uint256) {
        return _members.length;
    }

    /// @dev The member at `index` of members().
    function _memberAt(uint256 index) internal view returns (address) {
        return _members[index];
    }

    /// @dev The operator that registered `signer`.
    function _operatorOf(address signer) internal view returns (address) {
        return _enclaves[signer].operator;
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
    function _remove(address signer, uint8 reason) internal {
        _enclaves[signer].active = false;
        uint256 last = _members.length - 1;
        uint256 i = 0;
        while (_members[i] != signer) ++i;
        for (; i < last; ++i) _members[i] = _members[i + 1];
        _members.pop();
        _onMembershipChange();
        emit EnclaveRemoved(signer, reason);
        _append(KIND_MEMBER_REMOVED, abi.encode(signer, reason));
    }
}
