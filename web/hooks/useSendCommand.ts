/** Sends one confidential command and waits until this tab's enclave reports its outcome (applied, or why not). */
import { useMutation, useQueryClient } from '@tanstack/react-query'
import type { CoreCommand } from '../../enclave-wasm/envelopes/coreCommands'
import type { PostedCommand } from '../../host/wallet/confidentialWallet'
import { ACCOUNT_STATE_KEY } from './useAccountState'
import { useConfidentialWallet } from './useConfidentialWallet'

export type SendCommandVariables =
  | { kind: 'command'; command: CoreCommand; session?: boolean }
  | { kind: 'startSession'; blocks?: bigint }
  | { kind: 'endSession' }

export function useSendCommand(key: string) {
  const wallet = useConfidentialWallet()
  const queryClient = useQueryClient()
  return useMutation({
    mutationKey: ['sendCommand', key],
    mutationFn: async (variables: SendCommandVariables) => {
      if (!wallet) throw new Error('Connect a wallet first.')
      let posted: PostedCommand
      if (variables.kind === 'startSession')
        posted = await wallet.startSession(variables.blocks === undefined ? {} : { blocks: variables.blocks })
      else if (variables.kind === 'endSession') posted = await wallet.endSession()
      else posted = await wallet.send(variables.command, { session: variables.session === true })
      const after = await wallet.waitForReceipt(posted)
      if (variables.kind === 'endSession' && after.receipt.code === 0) await wallet.forgetSession()
      return after
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: [ACCOUNT_STATE_KEY] }),
  })
}
