/**
 * A late joiner's restore at scale: one always-on member holds 10,000 funded accounts (minted through a session, the
 * cheap path); a second member joins, and the clock runs from the moment its share opens (it holds the epoch that
 * admitted it, and waits at the checkpoint there) until it has restored and caught up with the chain. The snapshot
 * it restored from gives the bytes per account.
 */
import { privateKeyToAccount } from 'viem/accounts'
import { keccak256, toHex } from 'viem'
import { MAX_RECORDS_PER_BATCH } from '../ledger/constants'
import { readGroup } from '../ledger/readGroup'
import { submitSessionBatch } from '../ledger/submitSessionBatch'
import { createWalletSession } from '../envelopes/createWalletSession'
import { AnonifyError } from '../errors/base'
import { startTestChain } from '../node/testGroup'
import { BENCH_DEADLINE } from './benchStack'

export type JoinMeasures = { join: { restore10k_s: number }; snapshot: { bytesPerAccount: number } }

const ACCOUNTS = 10_000

export async function measureJoinRestore(onProgress?: (line: string) => void): Promise<JoinMeasures> {
  const chain = await startTestChain()
  try {
    const always = await chain.startReplica(1)
    await chain.formGroup([always])
    const issuer = privateKeyToAccount(keccak256(toHex('bench join issuer')))
    const { epoch } = await readGroup(chain.poster.publicClient, { ledger: chain.ledger })
    const session = createWalletSession({
      chainId: BigInt(chain.deployment.chainId),
      ledger: chain.ledger,
      epoch: Number(epoch),
      account: issuer.address,
    })
    await chain.post([
      await chain.seal(issuer, { op: 'init' }),
      await chain.seal(issuer, session.grant(BENCH_DEADLINE)),
    ])
    onProgress?.(`bench: join: minting to ${ACCOUNTS.toLocaleString('en')} accounts through a session…`)
    const mints = Array.from({ length: ACCOUNTS }, (_, i) =>
      session.seal({
        nonce: BigInt(2 + i),
        deadlineBlock: BENCH_DEADLINE,
        command: {
          op: 'mint',
          to: privateKeyToAccount(keccak256(toHex(`bench join holder ${i}`))).address,
          amount: 1n,
        },
      }),
    )
    for (let i = 0; i < mints.length; i += MAX_RECORDS_PER_BATCH) {
      const hash = await submitSessionBatch(chain.poster.walletClient, {
        ledger: chain.ledger,
        records: mints.slice(i, i + MAX_RECORDS_PER_BATCH),
      })
      await chain.poster.publicClient.waitForTransactionReceipt({ hash })
    }
    await chain.syncAll([always])

    onProgress?.('bench: join: a second member joins and restores from the checkpoint…')
    const joiner = await chain.startReplica(2)
    let opened: number | undefined
    for (let round = 0; ; round++) {
      if (round > 200) throw new AnonifyError('The joiner did not restore within 200 rounds.')
      await always.node.step()
      const status = await joiner.node.step()
      if (opened === undefined && status.holdsEpoch) opened = performance.now()
      if (opened !== undefined && !status.restoring && status.seq === (await chain.chainSeq())) break
    }
    const restore10k_s = (performance.now() - opened!) / 1000
    const { checkpoint } = await joiner.enclave.getStatus()
    const gathered = checkpoint && (await chain.checkpoints.find(checkpoint.seq))
    const snapshot = gathered && (await chain.checkpoints.snapshot(gathered.checkpoint.snapshotHash))
    if (!snapshot) throw new AnonifyError('The joiner restored from no snapshot the exchange holds.')
    const [root, joinerRoot] = await chain.roots([always, joiner])
    if (root !== joinerRoot) throw new AnonifyError('The joiner restored to another root than the member it joined.')
    // Every holder, the issuer (its nonce and supply) and the two members' own accounts hold state.
    return {
      join: { restore10k_s: Math.round(restore10k_s * 100) / 100 },
      snapshot: { bytesPerAccount: Math.round(snapshot.byteLength / (ACCOUNTS + 1)) },
    }
  } finally {
    await chain.stop()
  }
}
