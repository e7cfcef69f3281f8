/** Timestamp parsing for data files: epoch s / ms / µs / ns by magnitude, or an ISO date (UTC if no zone). */

/** Epoch ms from a numeric or ISO timestamp; NaN when it cannot be parsed. */
export function parseTimestamp(text: string): number {
  const t = text.trim();
  if (/^\d+(\.\d+)?$/.test(t)) {
    const n = Number(t);
    if (n < 1e11) return Math.round(n * 1000); // seconds
    if (n < 1e14) return Math.round(n); // milliseconds
    if (n < 1e17) return Math.round(n / 1000); // microseconds (Binance spot archives since 2025)
    return Math.round(n / 1e6); // nanoseconds
  }
  if (/^\d{4}-\d{2}-\d{2}/.test(t)) {
    const iso = t.replace(' ', 'T');
    const zoned = /(Z|[+-]\d{2}:?\d{2})$/.test(iso) ? iso : `${iso}Z`;
    return Date.parse(zoned);
  }
  return NaN;
}

/** "2024-12-01T00:00:00.000Z" for a ms timestamp. */
export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}

/**
 * Parses a date for --from/--to: "2024-12-05", "2024-12-05T12:00", or epoch ms/s.
 * Returns NaN when it is not a date.
 */
export function parseDateArg(text: string): number {
  return parseTimestamp(text);
}
