/** The input does not continue the stream: a gap, a replay, or a host that altered it. Nothing was applied. */
export class InputRejectedError extends Error {
  override name = 'InputRejectedError' as const
}
