/**
 * The exchange of a member that runs no API of its own (a browser tab) or that follows another member's node: its
 * signatures go to that node, which holds the same snapshot bytes when its state agrees; checkpoints and snapshots
 * to restore from come from it.
 */
import type { NodeClient } from '../relayer/createNodeClient'
import type { CheckpointExchange } from './checkpointExchange'

export function nodeExchange(node: Pick<NodeClient, 'checkpointAt' | 'snapshot' | 'cosign'>): CheckpointExchange {
  return {
    // The node refuses a checkpoint it does not hold itself (409): this member's root differs from the node's.
    publish: async ({ checkpoint, signer, signature }) => {
      await node.cosign(checkpoint, { signer, signature })
    },
    cosign: (checkpoint, signature) => node.cosign(checkpoint, signature),
    find: (seq) => node.checkpointAt(seq),
    snapshot: (snapshotHash) => node.snapshot(snapshotHash),
  }
}

/**
 * A node's own exchange (which its API serves) joined to a peer node's: what this member signs is kept here and
 * co-signed there; a checkpoint or snapshot to restore from is looked up here first, then there.
 */
export function withPeer(own: CheckpointExchange, peer: CheckpointExchange): CheckpointExchange {
  return {
    publish: async (signed) => {
      await own.publish(signed)
      await peer.publish(signed)
    },
    cosign: async (checkpoint, signature) =>
      (await own.cosign(checkpoint, signature)) || peer.cosign(checkpoint, signature),
    find: async (seq) => (await own.find(seq)) ?? peer.find(seq),
    snapshot: async (snapshotHash) => (await own.snapshot(snapshotHash)) ?? peer.snapshot(snapshotHash),
  }
}
