/** Makes this tab's enclave a member: the connected wallet operates it, the member loop runs while the page lives. */
import { useMutation } from '@tanstack/react-query'
import type { PublicClient } from 'viem'
import { usePublicClient, useWalletClient } from 'wagmi'
import { createMemberNode, type MemberNode } from '../../host/node/createMemberNode'
import { memoryStore } from '../../host/storage/sealedStateStore'
import { useAppContext } from '../app/AppContext'

// One member loop per page: the enclave is per page too.
let member: MemberNode | undefined

export function useJoinGroup() {
  const { deployment, enclave } = useAppContext()
  const walletClient = useWalletClient()
  const publicClient = usePublicClient()
  return useMutation({
    mutationKey: ['joinGroup'],
    mutationFn: async () => {
      if (member) return
      if (!walletClient.data || !publicClient) throw new Error('Connect a wallet first: it pays for the registration.')
      const node = createMemberNode({
        enclave: (await enclave).client,
        clients: { walletClient: walletClient.data, publicClient: publicClient as PublicClient },
        deployment,
        store: memoryStore(),
      })
      await node.bind()
      member = node
      void node.start()
    },
  })
}
