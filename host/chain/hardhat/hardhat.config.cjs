// Hardhat network for host/chain/startHardhat.ts: a second EVM implementation beside anvil. It compiles nothing
// (no solc download); startHardhat passes the fork and the block time in the environment.
const blockTimeSeconds = Number(process.env.ANONIFY_HARDHAT_BLOCK_TIME_SECONDS ?? 0)

module.exports = {
  networks: {
    hardhat: {
      hardfork: process.env.ANONIFY_HARDHAT_HARDFORK ?? 'shanghai',
      chainId: 31337,
      // anvil's accounts: the same public test keys work on both chains.
      accounts: { mnemonic: 'test test test test test test test test test test test junk' },
      // Automine, plus a block every interval when one is set (0 = none).
      mining: { auto: true, interval: blockTimeSeconds * 1000 },
    },
  },
}
