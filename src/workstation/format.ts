/**
 * Text formatting for the TUI: prices, sizes, money, rates, latencies, clock times and widths.
 * Pure and locale-independent (always en-US grouping, UTC times), so a frame is the same on every
 * machine and a test can assert on exact text. Nothing here reads the clock: relative times are
 * computed against the engine time the snapshot carries.
 */
import { DATA_FAULTS } from '../engine/index.ts';
import type { DataQualityView } from './model.ts';

const groupers = new Map<number, Intl.NumberFormat>();

/** `v` with thousands separators and exactly `dp` decimals ("96,123.40"). */
export function fmtFixed(v: number, dp: number): string {
  if (!Number.isFinite(v)) return 'n/a';
  let f = groupers.get(dp);
  if (f === undefined) {
    f = new Intl.NumberFormat('en-US', { minimumFractionDigits: dp, maximumFractionDigits: dp });
    groupers.set(dp, f);
  }
  const s = f.format(v);
  // -0.00 reads as a loss that is not there.
  return /^-0(\.0+)?$/.test(s) ? s.slice(1) : s;
}

/** Decimals that keep a price readable at its magnitude: 96,123.4 / 143.25 / 1.1432 / 0.052312. */
export function priceDecimals(v: number): number {
  const a = Math.abs(v);
  if (a >= 10_000) return 1;
  if (a >= 100) return 2;
  if (a >= 1) return 4;
  return 6;
}

/** A price in the quote currency; '' for undefined (a market order has no price). */
export function fmtPrice(v: number | undefined): string {
  if (v === undefined) return '';
  return fmtFixed(v, priceDecimals(v));
}

/** A size in base units, up to 6 decimals without trailing zeros ("0.25", "1,500"). Signed input keeps its sign. */
export function fmtQty(v: number): string {
  if (!Number.isFinite(v)) return 'n/a';
  const s = fmtFixed(v, 6);
  return s.includes('.') ? s.replace(/\.?0+$/, '') : s;
}

/** Money with 2 decimals and an explicit sign ("+123.45", "-12.30", "0.00"). */
export function fmtSigned(v: number): string {
  const s = fmtFixed(v, 2);
  if (s === 'n/a' || s.startsWith('-') || /^0(\.0+)?$/.test(s)) return s;
  return `+${s}`;
}

/** Money with 2 decimals, sign only when negative. */
export function fmtMoney(v: number): string {
  return fmtFixed(v, 2);
}

/** A funding rate (fraction per interval) as a signed percentage: 0.0001 -> "+0.0100%". */
export function fmtRate(v: number | undefined): string {
  if (v === undefined || !Number.isFinite(v)) return 'n/a';
  const s = (v * 100).toFixed(4);
  return `${v > 0 ? '+' : ''}${s === '-0.0000' ? '0.0000' : s}%`;
}

/** Basis points with one decimal and a sign: 1.83 -> "+1.8". */
export function fmtBps(v: number): string {
  if (!Number.isFinite(v)) return 'n/a';
  const s = v.toFixed(1);
  if (s === '0.0' || s === '-0.0') return '0.0';
  return v > 0 ? `+${s}` : s;
}

/** A latency in ms: "0.8", "12", "1,250", "12.5s" above 10 s. */
export function fmtMs(v: number): string {
  if (!Number.isFinite(v)) return 'n/a';
  if (Math.abs(v) >= 10_000) return `${(v / 1000).toFixed(1)}s`;
  if (Math.abs(v) < 10) return v.toFixed(1);
  return fmtFixed(Math.round(v), 0);
}

/** A signed clock offset in ms: "+12ms", "-1.3s". */
export function fmtOffset(ms: number): string {
  if (!Number.isFinite(ms)) return 'n/a';
  const sign = ms > 0 ? '+' : ms < 0 ? '-' : '';
  const a = Math.abs(ms);
  return a >= 1000 ? `${sign}${(a / 1000).toFixed(1)}s` : `${sign}${Math.round(a)}ms`;
}

/** UTC wall time of an epoch-ms timestamp: "09:41:07". */
export function fmtClock(ts: number): string {
  if (!Number.isFinite(ts)) return '--:--:--';
  return new Date(ts).toISOString().slice(11, 19);
}

/** UTC date and minute: "12-01 09:41". */
export function fmtDayMinute(ts: number): string {
  if (!Number.isFinite(ts)) return '--';
  return new Date(ts).toISOString().slice(5, 16).replace('T', ' ');
}

/** A duration, coarse: "45s", "2m05s", "3h12m", "2d04h". Negative durations read as "0s". */
export function fmtDuration(ms: number): string {
  if (!Number.isFinite(ms)) return 'n/a';
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h${String(m % 60).padStart(2, '0')}m`;
  return `${Math.floor(h / 24)}d${String(h % 24).padStart(2, '0')}h`;
}

/** `text` on one line: control characters (newlines, tabs, escapes) become spaces. */
export function oneLine(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f]/g, ' ');
}

/**
 * `text` cut to at most `width` characters, marking the cut with "…" (at the end, or at the start
 * to keep the tail, e.g. the unique end of an order id). Control characters become spaces so a
 * message from the engine can never break a line. At width 1 a cut text is just "…": a lone first
 * character would read as a whole value ("1" for "1,250"), so the mark of the cut always wins.
 * The one truncation of the TUI: table cells (table-fit.ts) and bar segments (segments.ts) use it.
 */
export function truncate(text: string, width: number, from: 'end' | 'start' = 'end'): string {
  const clean = oneLine(text);
  if (width <= 0) return '';
  if (clean.length <= width) return clean;
  if (width === 1) return '…';
  return from === 'end' ? `${clean.slice(0, width - 1)}…` : `…${clean.slice(clean.length - width + 1)}`;
}

/** `text` broken at spaces into lines of at most `width` characters (long words are cut). */
export function wrapWords(text: string, width: number): string[] {
  const w = Math.max(1, width);
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter((x) => x !== '')) {
    if (line === '') line = word;
    else if (line.length + 1 + word.length <= w) line += ` ${word}`;
    else {
      lines.push(line);
      line = word;
    }
    while (line.length > w) {
      lines.push(line.slice(0, w));
      line = line.slice(w);
    }
  }
  if (line !== '') lines.push(line);
  return lines;
}

/** What the bad-data breaker did, in one line: "1 bad event dropped (spike 1), 2 gaps (5 bars missing, kept)". */
export function fmtDataQuality(q: DataQualityView): string {
  const byClass = DATA_FAULTS.filter((f) => (q.counts[f] ?? 0) > 0)
    .map((f) => `${f} ${q.counts[f] ?? 0}`)
    .join(', ');
  const dropped = q.dropped === 0 ? 'no bad events dropped' : `${q.dropped} bad event${q.dropped === 1 ? '' : 's'} dropped (${byClass})`;
  const gaps = q.gaps === 0 ? '' : `, ${q.gaps} gap${q.gaps === 1 ? '' : 's'} (${q.missingBars} bar${q.missingBars === 1 ? '' : 's'} missing; the bars after them kept)`;
  return dropped + gaps;
}
