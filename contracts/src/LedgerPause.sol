// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {EpochKeys} from "./EpochKeys.sol";

/**
 * @title LedgerPause
 * @notice The stop line after a divergence: while paused the Ledger takes no command batches and no checkpoints, so
 * no state that honest replicas disagree on moves further, until governance resumes it. Membership, rekeys and
 * init-key updates keep working: the group may need them to recover.
 * @dev Only Divergence pauses (on evidence of two checkpoints for one position); only GOVERNOR_ROLE resumes.
 */
abstract contract LedgerPause is EpochKeys {
    bool private _paused;
    uint64 private _divergentSeq;

    /// @notice Governance resumed the Ledger after the divergence at `divergentSeq`.
    /// @param divergentSeq The position the divergence was recorded at.
    event Resumed(uint64 divergentSeq);

    /// @notice The Ledger is paused by the divergence recorded at `divergentSeq`; governance must resume it first.
    /// @param divergentSeq The position two checkpoints disagree on.
    error LedgerPaused(uint64 divergentSeq);
    /// @notice Only a paused Ledger can be resumed.
    error LedgerNotPaused();

    /**
     * @notice Re-opens command intake and checkpoints after a divergence (governance), once the cause is dealt with
     * (the faulty members removed, say). Appends a KIND_RESUMED input (layout in InputStream).
     */
    function resume() external onlyRole(GOVERNOR_ROLE) {
        if (!_paused) revert LedgerNotPaused();
        uint64 divergentSeq = _divergentSeq;
        _paused = false;
        _divergentSeq = 0;
        emit Resumed(divergentSeq);
        _append(KIND_RESUMED, abi.encode(divergentSeq));
    }

    /**
     * @notice Whether the Ledger is paused, and by the divergence at which position (0 while not paused).
     * @return isPaused True from a recorded divergence until governance resumes.
     * @return divergentSeq The position two checkpoints disagree on.
     */
    function paused() public view returns (bool isPaused, uint64 divergentSeq) {
        return (_paused, _divergentSeq);
    }

    /// @dev Reverts LedgerPaused while a divergence is recorded.
    function _requireNotPaused() internal view {
        if (_paused) revert LedgerPaused(_divergentSeq);
    }

    /// @dev Pauses on a divergence at `divergentSeq`; the caller checked the evidence and that none is recorded.
    function _pause(uint64 divergentSeq) internal {
        _paused = true;
        _divergentSeq = divergentSeq;
    }
}
