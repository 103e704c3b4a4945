/** The TCB statuses verifiers report (IAttestationVerifier), by number. */
export const TCB_NAMES = [
  'UpToDate',
  'SWHardeningNeeded',
  'ConfigNeeded',
  'ConfigAndSWHardeningNeeded',
  'OutOfDate',
  'OutOfDateConfigNeeded',
  'Revoked',
  'Unknown',
]

export const tcbName = (status: number) => TCB_NAMES[status] ?? `status ${status}`
