/**
 * The data class's counterfactual: the session's market data replaced by the venue's own record of
 * it (`--venue-bars`: the venue's klines, as its REST API serves them). Compared bar by bar with
 * what the session received: bars it missed, got late (after the next bar should have closed), or
 * got different (another open, high, low, close or volume). The replacement keeps each received
 * bar's arrival time (so only the data changes), drops bars the venue does not have, and inserts
 * the missed ones at their close plus the median feed lag (engine time: the venue clock as estimated).
 */
import { readFileSync } from 'node:fs';
import type { Bar, MarketData, Symbol } from '../../engine/index.ts';
import type { SessionRecording } from '../../persistence/recording.ts';
import { UserError } from '../errors.ts';
import { quantile } from './measures.ts';

export interface VenueBars {
  readonly symbol: string;
  readonly file: string;
  readonly bars: ReadonlyMap<number, { readonly open: number; readonly high: number; readonly low: number; readonly close: number; readonly volume: number }>;
}

export interface DataComparison {
  /** Venue bars inside the session's span. */
  readonly compared: number;
  readonly missed: number;
  readonly late: number;
  readonly different: number;
  /** Received bars the venue has no record of. */
  readonly extra: number;
  /** Where the venue's record came from, or why there was none. */
  readonly source: string;
}

/** `SYMBOL=FILE` or `FILE` (a one-symbol session): a JSON array of kline rows [openTime, open, high, low, close, volume, ...]. */
export function loadVenueBars(arg: string, symbols: readonly string[]): VenueBars {
  const eq = arg.indexOf('=');
  const named = eq > 0 && /^[A-Z0-9]+$/.test(arg.slice(0, eq));
  const file = named ? arg.slice(eq + 1) : arg;
  const symbol = named ? arg.slice(0, eq) : symbols[0];
  if (symbol === undefined || (!named && symbols.length > 1)) throw new UserError(`--venue-bars ${arg}: the session traded ${symbols.join(', ')}; name the symbol (SYMBOL=FILE). Nothing was run.`);
  if (!symbols.includes(symbol)) throw new UserError(`--venue-bars ${arg}: the session did not trade ${symbol} (it traded ${symbols.join(', ')}). Nothing was run.`);
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new UserError(`--venue-bars ${file}: cannot read it as JSON (${(err as Error).message}). Nothing was run; pass the venue's klines as its REST API serves them (a JSON array of rows).`);
  }
  const bars = new Map<number, { open: number; high: number; low: number; close: number; volume: number }>();
  if (!Array.isArray(doc)) throw new UserError(`--venue-bars ${file}: expected a JSON array of kline rows [openTime, open, high, low, close, volume, ...]. Nothing was run.`);
  doc.forEach((row: unknown, i) => {
    const ok = Array.isArray(row) && row.length >= 6 && row.slice(0, 6).every((x) => Number.isFinite(Number(x)));
    if (!ok) throw new UserError(`--venue-bars ${file}: row ${i + 1} is not a kline row [openTime, open, high, low, close, volume, ...]. Nothing was run.`);
    const r = (row as unknown[]).map(Number);
    bars.set(r[0] as number, { open: r[1] as number, high: r[2] as number, low: r[3] as number, close: r[4] as number, volume: r[5] as number });
  });
  return { symbol, file, bars };
}

export const NO_VENUE_RECORD: DataComparison = {
  compared: 0,
  missed: 0,
  late: 0,
  different: 0,
  extra: 0,
  source: "none: no venue record was given (--venue-bars), so data is measured as 0; the venue's klines for the session's span make it measured",
};

/** The session with its bars of `v.symbol` replaced by the venue's, and how they compare. */
export function withVenueBars(s: SessionRecording, v: VenueBars): { session: SessionRecording; data: DataComparison } {
  const isBar = (d: MarketData): d is Bar => d.type === 'bar' && d.symbol === v.symbol;
  const received = s.data.filter((x) => isBar(x.d));
  if (received.length === 0) return { session: s, data: { ...NO_VENUE_RECORD, source: `none: the session received no bars of ${v.symbol}` } };
  const interval = (received[0]?.d as Bar).interval;
  const first = (received[0]?.d as Bar).tsEvent;
  const last = (received.at(-1)?.d as Bar).tsEvent;
  const lags = received.map((x) => x.d.tsInit - (x.d.tsEvent + interval));
  const medianLag = Math.max(0, quantile(lags, 0.5) ?? 0);
  const wallOffset =
    quantile(
      received.map((x) => x.w - x.d.tsInit),
      0.5,
    ) ?? 0;
  const got = new Set(received.map((x) => x.d.tsEvent));
  let compared = 0;
  let different = 0;
  let extra = 0;
  const missing: { w: number; d: MarketData }[] = [];
  for (const [open, b] of [...v.bars].sort((a, c) => a[0] - c[0])) {
    if (open < first || open > last) continue;
    compared++;
    if (!got.has(open)) {
      const at = open + interval + medianLag;
      missing.push({ w: at + wallOffset, d: { type: 'bar', symbol: v.symbol as Symbol, interval, tsEvent: open, tsInit: at, ...b } });
    }
  }
  const late = lags.filter((l) => l > interval).length;
  const kept: { w: number; d: MarketData }[] = [];
  for (const x of s.data) {
    if (!isBar(x.d)) {
      kept.push(x);
      continue;
    }
    const b = v.bars.get(x.d.tsEvent);
    if (b === undefined) {
      extra++;
      continue;
    }
    if (b.open !== x.d.open || b.high !== x.d.high || b.low !== x.d.low || b.close !== x.d.close || b.volume !== x.d.volume) different++;
    kept.push({ w: x.w, d: { ...x.d, ...b } });
  }
  // The missed bars, where they would have arrived.
  const data: { w: number; d: MarketData }[] = [];
  let i = 0;
  for (const x of kept) {
    while (i < missing.length && (missing[i] as { d: MarketData }).d.tsInit < x.d.tsInit) data.push(missing[i++] as { w: number; d: MarketData });
    data.push(x);
  }
  while (i < missing.length) data.push(missing[i++] as { w: number; d: MarketData });
  return { session: { ...s, data }, data: { compared, missed: missing.length, late, different, extra, source: `${v.file} (${v.symbol}, ${v.bars.size} venue bars)` } };
}
