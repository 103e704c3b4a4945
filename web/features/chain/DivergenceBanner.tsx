/** The red line across every page while a divergence pauses the Ledger: nothing a person sends can land until then. */
import { useNetwork } from '../../hooks/useNetwork'

export function DivergenceBanner() {
  const pausedAt = useNetwork().data?.pausedAt
  if (pausedAt === undefined) return null
  return (
    <p role="alert" className="banner danger" data-testid="divergence-banner">
      Stopped: two different states were signed for the checkpoint at input {pausedAt.toString()}. The Ledger takes no
      commands and the relayer posts none until governance resolves it and resumes.
    </p>
  )
}
