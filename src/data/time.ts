/**
 * Timestamp parsing for data files: epoch s / ms / µs / ns, or an ISO date (UTC if no zone). A
 * column whose name states its unit ("timestamp_ms", "open_time_s", "ts (us)") is read in that
 * unit; only a bare number in an unnamed unit is told by its magnitude.
 */

export type TimeUnit = 's' | 'ms' | 'us' | 'ns';

const UNIT_WORDS: Readonly<Record<string, TimeUnit>> = {
  s: 's', sec: 's', secs: 's', second: 's', seconds: 's',
  ms: 'ms', msec: 'ms', millis: 'ms', millisecond: 'ms', milliseconds: 'ms',
  us: 'us', µs: 'us', usec: 'us', micros: 'us', microsecond: 'us', microseconds: 'us',
  ns: 'ns', nsec: 'ns', nanos: 'ns', nanosecond: 'ns', nanoseconds: 'ns',
};

/** How each unit is named in messages. */
export const UNIT_NAME: Readonly<Record<TimeUnit, string>> = { s: 'seconds', ms: 'milliseconds', us: 'microseconds', ns: 'nanoseconds' };

const SUFFIX = new RegExp(`^(.+?)\\s*(?:[_\\-. ]\\s*[(\\[]?|[(\\[])\\s*(${Object.keys(UNIT_WORDS).join('|')})\\s*[)\\]]?$`);

/**
 * A column name (lower-cased, trimmed) and the time unit its suffix states, if any:
 * "timestamp_ms" -> timestamp + ms, "open_time (s)" -> open_time + s, "ts" -> ts (no unit: a
 * suffix needs a separator, so the "s" of "ts" is not one).
 */
export function splitUnit(column: string): { readonly name: string; readonly unit?: TimeUnit } {
  const c = column.trim().replace(/^"|"$/g, '').trim().toLowerCase();
  const m = SUFFIX.exec(c);
  const unit = m?.[2] === undefined ? undefined : UNIT_WORDS[m[2]];
  return m?.[1] === undefined || unit === undefined ? { name: c } : { name: m[1], unit };
}

const EPOCH = /^\d+(\.\d+)?$/;

/** Epoch ms of a number of `unit`s. */
export function toMs(n: number, unit: TimeUnit): number {
  switch (unit) {
    case 's':
      return Math.round(n * 1000);
    case 'ms':
      return Math.round(n);
    case 'us':
      return Math.round(n / 1e3);
    case 'ns':
      return Math.round(n / 1e6);
  }
}

/** Epoch ms from a number in a stated unit ("1733007600000" in ms); NaN when it is not a plain number. */
export function parseEpoch(text: string, unit: TimeUnit): number {
  const t = text.trim();
  return EPOCH.test(t) ? toMs(Number(t), unit) : NaN;
}

/** Epoch ms of a bare epoch number whose unit is told by its magnitude. */
export function epochByMagnitude(n: number): number {
  // Binance spot archives switched to microseconds in 2025.
  return toMs(n, n < 1e11 ? 's' : n < 1e14 ? 'ms' : n < 1e17 ? 'us' : 'ns');
}

/** Epoch ms from a numeric (unit by magnitude) or ISO timestamp; NaN when it cannot be parsed. */
export function parseTimestamp(text: string): number {
  const t = text.trim();
  if (EPOCH.test(t)) {
    return epochByMagnitude(Number(t));
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
