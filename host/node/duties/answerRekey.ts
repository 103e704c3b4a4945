/** Answering a pending rekey: the enclave acks it if its share opened and matched the commitment, else complains. */
import { submitRekeyAnswer } from '../../ledger/submitRekeyAnswer'
import type { Duty, DutyContext } from './dutyContext'
import { tolerateRace } from './tolerateRace'

export function createAnswerRekey({ enclave, clients, deployment, onEvent, follow }: DutyContext): Duty {
  return async (status) => {
    if (!status.rekeyAnswerDue) return status
    await tolerateRace(onEvent, 'answerRekey', async () => {
      // The enclave decides ack or complaint from its own share; the host only carries the signed answer.
      const answer = await enclave.answerRekey()
      await submitRekeyAnswer(clients, { ledger: deployment.contracts.ledger, answer })
      onEvent?.({ type: 'rekeyAnswered', epoch: answer.epoch, ack: answer.ack })
    })
    return follow()
  }
}
