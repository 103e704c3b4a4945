/**
 * The exchange of a member that runs no API of its own (a browser tab) or that follows another member's node: its
 * signatures go to that node, which holds the same snapshot bytes when its state agrees; checkpoints and snapshots
 * to restore from come from it.
 */
import { checkpointHash } from '../../enclave-wasm/envelopes/checkpointTypes'
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
 * co-signed there; a checkpoint's signatures are gathered from both, a snapshot to restore from is looked up here
 * first, then there.
 */
export function withPeer(own: CheckpointExchange, peer: CheckpointExchange): CheckpointExchange {
  return {
    publish: async (signed) => {
      await own.publish(signed)
      await peer.publish(signed)
    },
    cosign: async (checkpoint, signature) =>
      (await own.cosign(checkpoint, signature)) || peer.cosign(checkpoint, signature),
    // Both sides' signatures over the same checkpoint count: each member may have reached the other first.
    find: async (seq) => {
      const [here, there] = await Promise.all([own.find(seq), peer.find(seq)])
      if (!here || !there || checkpointHash(here.checkpoint) !== checkpointHash(there.checkpoint)) return here ?? there
      const signers = new Set(here.signatures.map((s) => s.signer.toLowerCase()))
      return {
        checkpoint: here.checkpoint,
        signatures: [...here.signatures, ...there.signatures.filter((s) => !signers.has(s.signer.toLowerCase()))],
      }
    },
    snapshot: async (snapshotHash) => (await own.snapshot(snapshotHash)) ?? peer.snapshot(snapshotHash),
  }
}
