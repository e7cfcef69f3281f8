/**
 * Parsing untyped JSON at the local exchange's edges (exchangeInfo, recordings, WebSocket
 * requests): the one guard every parser starts from.
 */

/** A plain JSON object (not null, not an array). */
export function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}
