// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {EnclaveRegistry} from "./EnclaveRegistry.sol";

/**
 * @title EpochKeys
 * @notice Epoch-secret fan-out through the chain: an active member proposes a new epoch with one HPKE-sealed share
 * per member, the epoch's command public key and a commitment every member checks. The proposal is pending: wallets
 * keep encrypting to the settled epoch and members keep using its secret while each member's enclave opens its share
 * and answers with a signed ack or complaint. It settles early when a majority acked (the proposer counts as one),
 * else anyone may settle it once rekeyTimeoutBlocks blocks have passed since it was posted: members that are away
 * (closed browser tabs) never answer, and must not stop the group from keying newcomers in. It is voided, its
 * proposer removed, when a majority of the other members complained before it settled: shares nobody can open never
 * cost the group its epoch while its members are there to say so. Members then replace their init keys, so a later
 * leak of one cannot open old shares.
 * @dev The contract cannot read shares; it checks who proposes, that the proposal was built at a past position for
 * the current member set and init keys, that there is one well-formed share per member, and the proposer enclave's
 * signature over all of it. Enclaves apply the same rules to the same inputs.
 */
abstract contract EpochKeys is EnclaveRegistry {
    /// @notice Size of one share: HPKE enc (32) ‖ sealed 32-byte epoch secret with its tag (48).
    uint256 public constant SHARE_BYTES = 80;
    /// @notice Domain tag of rekey signatures.
    bytes32 public constant REKEY_TAG = keccak256("anonify/v1 rekey");
    /// @notice Domain tag of init-key update signatures.
    bytes32 public constant INIT_KEY_TAG = keccak256("anonify/v1 init-key");
    /// @notice Domain tag of rekey answers (acks and complaints).
    bytes32 public constant REKEY_ANSWER_TAG = keccak256("anonify/v1 rekey-answer");
    /// @notice Blocks after its proposal from which anyone may settle a pending rekey that neither a majority of acks
    /// settled nor complaints voided. Blocks, not inputs: junk inputs would cut an input-count window short and a quiet
    /// group would never reach its end. Set at deployment: long enough for online members to open their shares and
    /// complain (a few blocks on a dev chain that mines every second; hours' worth where members may be slow).
    uint64 public immutable rekeyTimeoutBlocks;

    /// @dev A posted rekey awaiting its members' answers; epoch 0 when none is pending.
    struct PendingRekey {
        address proposer;
        uint64 epoch;
        uint16 acks;
        uint16 complaints;
        uint64 seq;
        uint64 proposedBlock;
        bytes32 cmdPubKey;
        bytes32 commit;
    }

    /// @dev The leading, static fields of a KIND_REKEY payload; a static struct encodes inline, as its fields would.
    struct RekeyHead {
        uint64 epoch;
        address proposer;
        bytes32 setHash;
        bytes32 cmdPubKey;
        bytes32 commit;
    }

    uint64 private _epoch;
    bytes32 private _cmdPubKey;
    bytes32 private _epochCommit;
    PendingRekey private _pending;
    /// @dev The rekey input each member last answered: one answer per member per proposal.
    mapping(address signer => uint64 rekeySeq) private _answered;

    /// @notice A new epoch began: its rekey settled.
    /// @param epoch The new epoch.
    /// @param proposer The enclave signer that proposed it.
    /// @param cmdPubKey The epoch's X25519 command public key.
    /// @param commit The epoch commitment members check before accepting it.
    event EpochRotated(uint64 indexed epoch, address indexed proposer, bytes32 cmdPubKey, bytes32 commit);
    /// @notice A member proposed epoch `epoch`; it is pending until settled or voided.
    /// @param epoch The proposed epoch.
    /// @param proposer The proposing enclave's signer.
    /// @param rekeySeq The input that carries the proposal; acks and complaints name it.
    event RekeyProposed(uint64 indexed epoch, address indexed proposer, uint64 rekeySeq);
    /// @notice A member answered the pending rekey.
    /// @param epoch The proposed epoch.
    /// @param signer The member whose enclave answered.
    /// @param ack Whether its share opened and matched the commitment.
    event RekeyAnswered(uint64 indexed epoch, address indexed signer, bool ack);
    /// @notice The pending rekey was dropped: complaints reached their threshold, or the member set changed.
    /// @param epoch The epoch it proposed; the next proposal is for the same number.
    /// @param proposer Its proposer.
    event RekeyVoided(uint64 indexed epoch, address indexed proposer);
    /// @notice A member replaced its init key.
    /// @param signer The member.
    /// @param initKey Its new X25519 init key.
    event InitKeyUpdated(address indexed signer, bytes32 initKey);
    /// @notice Governance asked the members for a new epoch.
    /// @param requester The governor that asked.
    event RekeyRequested(address indexed requester);

    /// @notice The rekey is not for the next epoch.
    error EpochWrongNumber(uint64 expected, uint64 given);
    /// @notice The member set or an init key changed since the rekey was built.
    error EpochMemberSetChanged(bytes32 expected, bytes32 given);
    /// @notice The rekey claims to be built at a position the stream has not reached.
    error EpochFuturePosition(uint64 atSeq, uint64 seq);
    /// @notice A rekey is pending: no second one and no init-key update until it settles or is voided.
    error EpochRekeyPending(uint64 epoch, uint64 rekeySeq);
    /// @notice The pending rekey may be settled without a majority of acks only from block `settleableAt`.
    error EpochRekeyNotTimedOut(uint64 epoch, uint64 rekeySeq, uint64 settleableAt);
    /// @notice No rekey of this epoch is pending at this input.
    error EpochNoPendingRekey(uint64 epoch, uint64 rekeySeq);
    /// @notice The member already answered this rekey (its proposer counts as an ack).
    error EpochAlreadyAnswered(address signer);
    /// @notice There must be exactly one share per member.
    error EpochShareCountMismatch(uint256 members, uint256 shares);
    /// @notice A share is not SHARE_BYTES long.
    error EpochShareMalformed(uint256 index);
    /// @notice The enclave is not an active member.
    error EnclaveNotActive(address signer);
    /// @notice The signature is not the enclave's.
    error EnclaveSignatureInvalid(address expected, address recovered);

    /// @param timeoutBlocks See rekeyTimeoutBlocks.
    constructor(uint64 timeoutBlocks) {
        rekeyTimeoutBlocks = timeoutBlocks;
    }

    /**
     * @notice Proposes epoch `epoch`. Any active member may propose while no rekey is pending; it settles on a
     * majority of acks (so with one member at once) or, after rekeyTimeoutBlocks blocks, through settleRekey.
     * @param epoch Must be the current epoch + 1.
     * @param atSeq The input the proposal was built at (no later than seq()).
     * @param setHash memberSetHash() the shares were built for.
     * @param cmdPubKey The epoch's X25519 command public key.
     * @param commit SHA-256("anonify/v1 epoch-commit" ‖ u64 epoch ‖ cmdPubKey ‖ SHA-256(epochSecret)).
     * @param shares One share per member, in members() order.
     * @param proposer The proposing enclave's signer.
     * @param signature The proposer's signature over rekeyDigest(…).
     */
    function rekey(
        uint64 epoch,
        uint64 atSeq,
        bytes32 setHash,
        bytes32 cmdPubKey,
        bytes32 commit,
        bytes[] calldata shares,
        address proposer,
        bytes calldata signature
    ) external {
        _checkProposal(epoch, atSeq, setHash, shares.length, proposer);
        for (uint256 i = 0; i < shares.length; ++i) {
            if (shares[i].length != SHARE_BYTES) revert EpochShareMalformed(i);
        }
        _checkSignature(proposer, rekeyDigest(epoch, atSeq, setHash, cmdPubKey, commit, shares), signature);

        _propose(RekeyHead(epoch, proposer, setHash, cmdPubKey, commit), shares, atSeq, signature);
    }

    /**
     * @notice Records that `signer`'s enclave opened its share of the pending rekey and found it matches the
     * commitment; settles the rekey once acks reach floor(n/2)+1 of the n members.
     * @param epoch The pending epoch.
     * @param rekeySeq The input that carries the pending rekey.
     * @param signer The answering member.
     * @param signature The member enclave's signature over rekeyAnswerDigest(epoch, rekeySeq, signer, true).
     */
    function acknowledgeRekey(uint64 epoch, uint64 rekeySeq, address signer, bytes calldata signature) external {
        _answer(epoch, rekeySeq, signer, true, signature);
        if (_settles(++_pending.acks)) _settle();
    }

    /**
     * @notice Records that `signer`'s enclave could not open its share of the pending rekey, or that it did not match;
     * once complaints reach floor((n-1)/2)+1 of the n-1 other members the rekey is voided and its proposer removed,
     * unless it is the last member holding the current epoch.
     * @param epoch The pending epoch.
     * @param rekeySeq The input that carries the pending rekey.
     * @param signer The complaining member.
     * @param signature The member enclave's signature over rekeyAnswerDigest(epoch, rekeySeq, signer, false).
     */
    function complainRekey(uint64 epoch, uint64 rekeySeq, address signer, bytes calldata signature) external {
        _answer(epoch, rekeySeq, signer, false, signature);
        if (++_pending.complaints >= (_memberCount() - 1) / 2 + 1) {
            address proposer = _pending.proposer;
            _void();
            // Complaints are enclave statements, not proofs: a host that rolls its enclave back can make it complain.
            // Removing the only holder of the epoch on that word would leave no one able to rekey, so it stays.
            if (!_isLastEpochHolder(proposer)) _remove(proposer, REMOVED_BAD_REKEY);
        }
    }

    /**
     * @notice Settles the pending rekey that neither a majority of acks settled nor complaints voided, once
     * rekeyTimeoutBlocks blocks have passed since it was posted. Anyone may call it: the members that answered need
     * not wait for those that are away. Appends KIND_REKEY_SETTLED, so every enclave adopts the epoch at the same
     * input.
     * @param epoch The pending epoch.
     * @param rekeySeq The input that carries the pending rekey: a call meant for a rekey that was settled or voided
     * meanwhile reverts EpochNoPendingRekey rather than settling another.
     */
    function settleRekey(uint64 epoch, uint64 rekeySeq) external {
        PendingRekey storage pending = _pending;
        if (pending.epoch == 0 || pending.epoch != epoch || pending.seq != rekeySeq) {
            revert EpochNoPendingRekey(epoch, rekeySeq);
        }
        uint64 settleableAt = pending.proposedBlock + rekeyTimeoutBlocks;
        if (block.number < settleableAt) revert EpochRekeyNotTimedOut(epoch, rekeySeq, settleableAt);
        _append(KIND_REKEY_SETTLED, abi.encode(epoch, rekeySeq));
        _settle();
    }

    /**
     * @notice Replaces `signer`'s init key with one its enclave generated; refused while a rekey is pending, whose
     * share is sealed to the key being replaced.
     * @param signer The member.
     * @param initKey The new X25519 public key.
     * @param signature The enclave's signature over initKeyDigest(signer, current init key, initKey).
     */
    function updateInitKey(address signer, bytes32 initKey, bytes calldata signature) external {
        if (_pending.epoch != 0) revert EpochRekeyPending(_pending.epoch, _pending.seq);
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
    /// @param atSeq The input the proposal was built at.
    /// @param setHash memberSetHash() the shares were built for.
    /// @param cmdPubKey The epoch's X25519 command public key.
    /// @param commit The epoch commitment.
    /// @param shares One share per member, in members() order.
    function rekeyDigest(
        uint64 epoch,
        uint64 atSeq,
        bytes32 setHash,
        bytes32 cmdPubKey,
        bytes32 commit,
        bytes[] calldata shares
    ) public view returns (bytes32) {
        return keccak256(
            abi.encode(
                REKEY_TAG,
                block.chainid,
                address(this),
                epoch,
                atSeq,
                setHash,
                cmdPubKey,
                commit,
                keccak256(abi.encode(shares))
            )
        );
    }

    /// @notice What a member signs to answer a pending rekey.
    /// @param epoch The pending epoch.
    /// @param rekeySeq The input that carries the rekey, which tells apart proposals for the same epoch.
    /// @param signer The answering member.
    /// @param ack True for an ack, false for a complaint.
    function rekeyAnswerDigest(uint64 epoch, uint64 rekeySeq, address signer, bool ack) public view returns (bytes32) {
        return keccak256(abi.encode(REKEY_ANSWER_TAG, block.chainid, address(this), epoch, rekeySeq, signer, ack));
    }

    /// @notice What a member signs to replace its init key.
    /// @param signer The member.
    /// @param oldInitKey The init key being replaced.
    /// @param newInitKey The init key replacing it.
    function initKeyDigest(address signer, bytes32 oldInitKey, bytes32 newInitKey) public view returns (bytes32) {
        return keccak256(abi.encode(INIT_KEY_TAG, block.chainid, address(this), signer, oldInitKey, newInitKey));
    }

    /// @notice The settled epoch (0 before genesis), its command public key and commitment: what wallets encrypt to.
    /// @return epoch The current epoch.
    /// @return cmdPubKey Its X25519 command public key (zero before genesis).
    /// @return commit Its commitment (zero before genesis).
    function currentEpoch() external view returns (uint64 epoch, bytes32 cmdPubKey, bytes32 commit) {
        return (_epoch, _cmdPubKey, _epochCommit);
    }

    /// @notice The pending rekey (epoch 0 when none is).
    /// @return epoch The proposed epoch.
    /// @return rekeySeq The input that carries it.
    /// @return proposer Its proposer.
    /// @return acks Acks so far, the proposer's included.
    /// @return complaints Complaints so far.
    /// @return settleableAt The first block in which settleRekey may settle it.
    function pendingRekey()
        external
        view
        returns (uint64 epoch, uint64 rekeySeq, address proposer, uint16 acks, uint16 complaints, uint64 settleableAt)
    {
        PendingRekey storage pending = _pending;
        settleableAt = pending.epoch == 0 ? 0 : pending.proposedBlock + rekeyTimeoutBlocks;
        return (pending.epoch, pending.seq, pending.proposer, pending.acks, pending.complaints, settleableAt);
    }

    /// @dev See EnclaveRegistry._currentEpoch.
    function _currentEpoch() internal view override returns (uint64) {
        return _epoch;
    }

    /// @dev A membership change voids the pending rekey: its shares and thresholds were for the old set.
    function _onMembershipChange() internal override {
        if (_pending.epoch != 0) _void();
    }

    /// @dev Reverts unless a rekey to `epoch` built at `atSeq` for `setHash` with `shareCount` shares may be posted.
    function _checkProposal(uint64 epoch, uint64 atSeq, bytes32 setHash, uint256 shareCount, address proposer)
        private
        view
    {
        if (epoch != _epoch + 1) revert EpochWrongNumber(_epoch + 1, epoch);
        if (_pending.epoch != 0) revert EpochRekeyPending(_pending.epoch, _pending.seq);
        uint64 head = _lastSeq();
        if (atSeq > head) revert EpochFuturePosition(atSeq, head);
        if (!isActive(proposer)) revert EnclaveNotActive(proposer);
        bytes32 current = memberSetHash();
        if (setHash != current) revert EpochMemberSetChanged(current, setHash);
        uint256 count = _memberCount();
        if (shareCount != count) revert EpochShareCountMismatch(count, shareCount);
    }

    /// @dev Appends the KIND_REKEY input and makes it the pending rekey, settled at once if the proposer is a majority.
    function _propose(RekeyHead memory head, bytes[] calldata shares, uint64 atSeq, bytes calldata signature) private {
        uint64 rekeySeq = _append(KIND_REKEY, abi.encode(head, shares, atSeq, signature));
        _pending = PendingRekey(
            head.proposer, head.epoch, 1, 0, rekeySeq, uint64(block.number), head.cmdPubKey, head.commit
        );
        emit RekeyProposed(head.epoch, head.proposer, rekeySeq);
        if (_settles(1)) _settle();
    }

    /// @dev Checks and records `signer`'s answer to the pending rekey, and appends it for the enclaves.
    function _answer(uint64 epoch, uint64 rekeySeq, address signer, bool ack, bytes calldata signature) private {
        PendingRekey storage pending = _pending;
        if (pending.epoch == 0 || pending.epoch != epoch || pending.seq != rekeySeq) {
            revert EpochNoPendingRekey(epoch, rekeySeq);
        }
        if (!isActive(signer)) revert EnclaveNotActive(signer);
        if (signer == pending.proposer || _answered[signer] == rekeySeq) revert EpochAlreadyAnswered(signer);
        _checkSignature(signer, rekeyAnswerDigest(epoch, rekeySeq, signer, ack), signature);
        _answered[signer] = rekeySeq;
        emit RekeyAnswered(epoch, signer, ack);
        // The signature goes with the input: enclaves count only answers a member's enclave signed.
        _append(ack ? KIND_REKEY_ACK : KIND_REKEY_COMPLAINT, abi.encode(epoch, rekeySeq, signer, signature));
    }

    /// @dev Whether `acks` are a majority of the members: floor(n/2)+1.
    function _settles(uint256 acks) private view returns (bool) {
        return acks >= _memberCount() / 2 + 1;
    }

    /// @dev Makes the pending rekey the current epoch.
    function _settle() private {
        PendingRekey memory pending = _pending;
        delete _pending;
        _epoch = pending.epoch;
        _cmdPubKey = pending.cmdPubKey;
        _epochCommit = pending.commit;
        emit EpochRotated(pending.epoch, pending.proposer, pending.cmdPubKey, pending.commit);
    }

    /// @dev Drops the pending rekey; the current epoch stays.
    function _void() private {
        emit RekeyVoided(_pending.epoch, _pending.proposer);
        delete _pending;
    }

    /// @dev Reverts EnclaveSignatureInvalid unless `signature` over `digest` recovers to `signer`.
    function _checkSignature(address signer, bytes32 digest, bytes calldata signature) internal pure {
        (address recovered, ECDSA.RecoverError recoverError, ) = ECDSA.tryRecover(digest, signature);
        if (recoverError != ECDSA.RecoverError.NoError || recovered != signer) revert EnclaveSignatureInvalid(signer, recovered);
    }
}
