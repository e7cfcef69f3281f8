/**
 * Historical data download: candles and funding-rate history through ccxt, paged, through the
 * rate limiter, into the CSV layouts `parity backtest` reads. The output file is the cache: a
 * re-run resumes after its last row (a torn last line from an interrupted run is cut off first),
 * so nothing is fetched twice.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { candlePage, fundingPage, type CcxtConnection } from '../../exchanges/ccxt/index.ts';

export interface FetchProgress {
  (doneMs: number, totalMs: number): void;
}

export interface FetchResult {
  readonly file: string;
  readonly written: number;
  readonly resumedFrom: number | undefined;
}

const CANDLE_HEADER = 'timestamp,open,high,low,close,volume';
const FUNDING_HEADER = 'symbol,funding_time,funding_rate';

/** Last complete row's first numeric field, after cutting a torn last line; undefined for a new file. */
function resumePoint(file: string, header: string): number | undefined {
  if (!existsSync(file)) return undefined;
  const text = readFileSync(file, 'utf8');
  if (!text.startsWith(header)) throw new Error(`${file} exists but is not a file this command wrote (header differs); move it away or pick another --out`);
  let end = text.length;
  if (!text.endsWith('\n')) {
    end = text.lastIndexOf('\n') + 1; // an interrupted write left half a line
    truncateSync(file, end);
  }
  const lines = text.slice(0, end).trimEnd().split('\n');
  const last = lines[lines.length - 1] as string;
  if (last === header) return undefined;
  const cols = last.split(',');
  const ts = Number(header === FUNDING_HEADER ? cols[1] : cols[0]);
  return Number.isFinite(ts) ? ts : undefined;
}

function ensure(file: string, header: string): void {
  if (existsSync(file)) return;
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${header}\n`);
}

export async function fetchCandles(conn: CcxtConnection, symbol: string, interval: number, from: number, to: number, file: string, progress?: FetchProgress): Promise<FetchResult> {
  const last = resumePoint(file, CANDLE_HEADER);
  ensure(file, CANDLE_HEADER);
  let since = last === undefined ? from : Math.max(from, last + interval);
  const end = Math.min(to, conn.requester.now() - interval + 1); // closed candles only
  let written = 0;
  while (since < end) {
    const rows = await candlePage(conn, symbol, interval, since);
    const fresh = rows.filter((k) => k.ts >= since && k.ts < end);
    if (fresh.length === 0) break;
    appendFileSync(file, fresh.map((k) => `${k.ts},${k.open},${k.high},${k.low},${k.close},${k.volume}`).join('\n') + '\n');
    written += fresh.length;
    since = (fresh[fresh.length - 1]?.ts as number) + interval;
    progress?.(since - from, end - from);
  }
  return { file, written, resumedFrom: last };
}

export async function fetchFunding(conn: CcxtConnection, symbol: string, from: number, to: number, file: string, progress?: FetchProgress): Promise<FetchResult> {
  const last = resumePoint(file, FUNDING_HEADER);
  ensure(file, FUNDING_HEADER);
  let since = last === undefined ? from : Math.max(from, last + 1);
  const end = Math.min(to, conn.requester.now());
  let written = 0;
  while (since < end) {
    const rows = await fundingPage(conn, symbol, since);
    const fresh = rows.filter((r) => r.ts >= since && r.ts < end);
    if (fresh.length === 0) break;
    appendFileSync(file, fresh.map((r) => `${symbol},${r.ts},${r.rate}`).join('\n') + '\n');
    written += fresh.length;
    since = (fresh[fresh.length - 1]?.ts as number) + 1;
    progress?.(since - from, end - from);
  }
  return { file, written, resumedFrom: last };
}
