// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {EnclaveRegistry} from "./EnclaveRegistry.sol";

/**
 * @title EpochKeys
 * @notice Epoch-secret fan-out through the chain: an active member posts a new epoch with one HPKE-sealed share
 * per member, the epoch's command public key and a commitment every member checks before accepting the epoch.
 * Members then replace their init keys, so a later leak of one cannot open old shares.
 * @dev The contract cannot read shares; it checks who proposes, that the member set is the current one, that
 * there is one well-formed share per member, and the proposer enclave's signature over all of it.
 */
abstract contract EpochKeys is EnclaveRegistry {
    /// @notice Size of one share: HPKE enc (32) ‖ sealed 32-byte epoch secret with its tag (48).
    uint256 public constant SHARE_BYTES = 80;
    /// @notice Domain tag of rekey signatures.
    bytes32 public constant REKEY_TAG = keccak256("anonify/v1 rekey");
    /// @notice Domain tag of init-key update signatures.
    bytes32 public constant INIT_KEY_TAG = keccak256("anonify/v1 init-key");

    uint64 private _epoch;
    bytes32 private _cmdPubKey;
    bytes32 private _epochCommit;

    /// @notice A new epoch began.
    /// @param epoch The new epoch.
    /// @param proposer The enclave signer that proposed it.
    /// @param cmdPubKey The epoch's X25519 command public key.
    /// @param commit The epoch commitment members check before accepting it.
    event EpochRotated(uint64 indexed epoch, address indexed proposer, bytes32 cmdPubKey, bytes32 commit);
    /// @notice A member replaced its init key.
    /// @param signer The member.
    /// @param initKey Its new X25519 init key.
    event InitKeyUpdated(address indexed signer, bytes32 initKey);
    /// @notice Governance asked the members for a new epoch.
    /// @param requester The governor that asked.
    event RekeyRequested(address indexed requester);

    /// @notice The rekey is not for the next epoch.
    error EpochWrongNumber(uint64 expected, uint64 given);
    /// @notice The member set changed since the rekey was built.
    error EpochMemberSetChanged(bytes32 expected, bytes32 given);
    /// @notice There must be exactly one share per member.
    error EpochShareCountMismatch(uint256 members, uint256 shares);
    /// @notice A share is not SHARE_BYTES long.
    error EpochShareMalformed(uint256 index);
    /// @notice The enclave is not an active member.
    error EnclaveNotActive(address signer);
    /// @notice The signature is not the enclave's.
    error EnclaveSignatureInvalid(address expected, address recovered);

    /**
     * @notice Starts epoch `epoch`. Any active member may propose; the first valid proposal wins.
     * @param epoch Must be the current epoch + 1.
     * @param setHash memberSetHash() the shares were built for.
     * @param cmdPubKey The epoch's X25519 command public key.
     * @param commit SHA-256("anonify/v1 epoch-commit" ‖ u64 epoch ‖ cmdPubKey ‖ SHA-256(epochSecret)).
     * @param shares One share per member, in members() order.
     * @param proposer The proposing enclave's signer.
     * @param signature The proposer's signature over rekeyDigest(…).
     */
    function rekey(
        uint64 epoch,
        bytes32 setHash,
        bytes32 cmdPubKey,
        bytes32 commit,
        bytes[] calldata shares,
        address proposer,
        bytes calldata signature
    ) external {
        if (epoch != _epoch + 1) revert EpochWrongNumber(_epoch + 1, epoch);
        if (!isActive(proposer)) revert EnclaveNotActive(proposer);
        bytes32 current = memberSetHash();
        if (setHash != current) revert EpochMemberSetChanged(current, setHash);
        uint256 count = _memberCount();
        if (shares.length != count) revert EpochShareCountMismatch(count, shares.length);
        for (uint256 i = 0; i < count; ++i) {
            if (shares[i].length != SHARE_BYTES) revert EpochShareMalformed(i);
        }
        _checkSignature(proposer, rekeyDigest(epoch, setHash, cmdPubKey, commit, shares), signature);

        _epoch = epoch;
        _cmdPubKey = cmdPubKey;
        _epochCommit = commit;
        emit EpochRotated(epoch, proposer, cmdPubKey, commit);
        _append(KIND_REKEY, abi.encode(epoch, proposer, setHash, cmdPubKey, commit, shares));
    }

    /**
     * @notice Replaces `signer`'s init key with one its enclave generated.
     * @param signer The member.
     * @param initKey The new X25519 public key.
     * @param signature The enclave's signature over initKeyDigest(signer, current init key, initKey).
     */
    function updateInitKey(address signer, bytes32 initKey, bytes calldata signature) external {
        if (!isActive(signer)) revert EnclaveNotActive(signer);
        // Binding the key being replaced makes an old signed update useless once it has been applied.
        bytes32 oldInitKey = _initKeyOf(signer);
        _checkSignature(signer, initKeyDigest(signer, oldInitKey, initKey), signature);
        _setInitKey(signer, initKey);
        emit InitKeyUpdated(signer, initKey);
        // The old key and the signature go with the input: enclaves check them, so a host cannot feed its enclave an
        // update the member never signed (and have a share sealed to a key the host holds).
        _append(KIND_INIT_KEY_UPDATED, abi.encode(signer, initKey, oldInitKey, signature));
    }

    /// @notice Asks the members to rotate the epoch now, e.g. after a suspected leak or on a schedule (governance).
    function requestRekey() external onlyRole(GOVERNOR_ROLE) {
        emit RekeyRequested(msg.sender);
        _append(KIND_REKEY_REQUESTED, abi.encode(msg.sender));
    }

    /// @notice What a rekey proposer signs.
    /// @param epoch The proposed epoch.
    /// @param setHash memberSetHash() the shares were built for.
    /// @param cmdPubKey The epoch's X25519 command public key.
    /// @param commit The epoch commitment.
    /// @param shares One share per member, in members() order.
    function rekeyDigest(uint64 epoch, bytes32 setHash, bytes32 cmdPubKey, bytes32 commit, bytes[] calldata shares)
        public
        view
        returns (bytes32)
    {
        return keccak256(
            abi.encode(REKEY_TAG, block.chainid, address(this), epoch, setHash, cmdPubKey, commit, keccak256(abi.encode(shares)))
        );
    }

    /// @notice What a member signs to replace its init key.
    /// @param signer The member.
    /// @param oldInitKey The init key being replaced.
    /// @param newInitKey The init key replacing it.
    function initKeyDigest(address signer, bytes32 oldInitKey, bytes32 newInitKey) public view returns (bytes32) {
        return keccak256(abi.encode(INIT_KEY_TAG, block.chainid, address(this), signer, oldInitKey, newInitKey));
    }

    /// @notice The current epoch (0 before genesis), its command public key and commitment.
    /// @return epoch The current epoch.
    /// @return cmdPubKey Its X25519 command public key (zero before genesis).
    /// @return commit Its commitment (zero before genesis).
    function currentEpoch() external view returns (uint64 epoch, bytes32 cmdPubKey, bytes32 commit) {
        return (_epoch, _cmdPubKey, _epochCommit);
    }

    /// @dev See EnclaveRegistry._currentEpoch.
    function _currentEpoch() internal view override returns (uint64) {
        return _epoch;
    }

    function _checkSignature(address signer, bytes32 digest, bytes calldata signature) private pure {
        (address recovered, ECDSA.RecoverError recoverError, ) = ECDSA.tryRecover(digest, signature);
        if (recoverError != ECDSA.RecoverError.NoError || recovered != signer) revert EnclaveSignatureInvalid(signer, recovered);
    }
}
