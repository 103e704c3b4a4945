/**
 * Jurisdictions as people type them (ISO 3166-1 alpha-2) and as the identity app stores them (ISO 3166-1 numeric,
 * 0 = none). The table covers the usual financial jurisdictions; any other country is given by its numeric code.
 */
import { AnonifyError } from '../errors/base'

const NUMERIC_BY_ALPHA2: Record<string, number> = {
  AE: 784,
  AT: 40,
  AU: 36,
  BE: 56,
  BM: 60,
  BR: 76,
  CA: 124,
  CH: 756,
  CN: 156,
  CZ: 203,
  DE: 276,
  DK: 208,
  ES: 724,
  FI: 246,
  FR: 250,
  GB: 826,
  HK: 344,
  IE: 372,
  IL: 376,
  IN: 356,
  IT: 380,
  JP: 392,
  KR: 410,
  KY: 136,
  LI: 438,
  LU: 442,
  MX: 484,
  NL: 528,
  NO: 578,
  NZ: 554,
  PL: 616,
  PT: 620,
  SE: 752,
  SG: 702,
  US: 840,
  ZA: 710,
}
const ALPHA2_BY_NUMERIC = new Map(Object.entries(NUMERIC_BY_ALPHA2).map(([alpha2, numeric]) => [numeric, alpha2]))

/** The largest ISO 3166-1 numeric code. */
const MAX_NUMERIC = 999

export class InvalidJurisdictionError extends AnonifyError {
  override name = 'InvalidJurisdictionError' as const
  constructor(text: string) {
    super(`"${text}" is not a jurisdiction this wallet knows.`, {
      metaMessages: [
        `Give an ISO 3166-1 alpha-2 code (${Object.keys(NUMERIC_BY_ALPHA2).join(', ')}) or any numeric code 1–999.`,
      ],
    })
  }
}

/** The numeric code of `text`: an alpha-2 code from the table (any case) or a numeric code 1–999. */
export function parseJurisdiction(text: string): number {
  const trimmed = text.trim()
  const known = NUMERIC_BY_ALPHA2[trimmed.toUpperCase()]
  if (known !== undefined) return known
  const numeric = /^\d{1,3}$/.test(trimmed) ? Number(trimmed) : 0
  if (numeric < 1 || numeric > MAX_NUMERIC) throw new InvalidJurisdictionError(text)
  return numeric
}

/** `jurisdiction` as people read it: its alpha-2 code when known, else its numeric code; "none" for 0. */
export function formatJurisdiction(jurisdiction: number): string {
  if (jurisdiction === 0) return 'none'
  return ALPHA2_BY_NUMERIC.get(jurisdiction) ?? String(jurisdiction).padStart(3, '0')
}
