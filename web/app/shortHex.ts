/** A long hex value cut for tables: its head and tail (the full value goes in a title attribute). */
export const shortHex = (hex: string) => `${hex.slice(0, 10)}…${hex.slice(-6)}`
