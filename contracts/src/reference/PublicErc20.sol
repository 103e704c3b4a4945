// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/**
 * @title PublicErc20
 * @notice A plain OpenZeppelin ERC20, never part of a deployment: `anonify bench` measures its transfer on the same
 * chain in the same run as the confidential transfer, so the gas ratio is measured side by side, not quoted.
 */
contract PublicErc20 is ERC20 {
    constructor(uint256 supply) ERC20("Public reference token", "PUB") {
        _mint(msg.sender, supply);
    }
}
