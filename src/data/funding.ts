/**
 * Funding-rate CSV: `symbol,funding_time,funding_rate[,mark_price]` (a header naming the columns is
 * required; `symbol` is optional; the time column may state its unit, `funding_time_ms`). One row per
 * settlement; rates are fractions per interval.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { FundingRateUpdate, Symbol } from '../engine/index.ts';
import { DataError } from './errors.ts';
import { isoTime, parseEpoch, parseTimestamp, splitUnit } from './time.ts';

export function loadFunding(path: string, sym: Symbol): FundingRateUpdate[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new DataError(path, [], `cannot read the funding file: ${code === 'ENOENT' ? 'no such file' : String(err)}`);
  }
  return parseFunding(text, basename(path), sym);
}

export function parseFunding(text: string, file: string, sym: Symbol): FundingRateUpdate[] {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const header = (lines[0] ?? '').split(',').map((h) => h.trim().toLowerCase().replace(/\(.*\)$/, ''));
  const time = (lines[0] ?? '').split(',').map(splitUnit); // a stated unit (funding_time_ms) is read as stated
  const ti = time.findIndex((c) => ['funding_time', 'fundingtime', 'time', 'timestamp'].includes(c.name));
  const unit = time[ti]?.unit;
  const ri = header.findIndex((h) => ['funding_rate', 'fundingrate', 'rate'].includes(h));
  const mi = header.findIndex((h) => ['mark_price', 'markprice', 'mark'].includes(h));
  const si = header.indexOf('symbol');
  if (ti < 0 || ri < 0) throw new DataError(file, [`header is: ${lines[0] ?? '(empty)'}`], 'a funding file needs a header with funding_time and funding_rate columns');
  const out: FundingRateUpdate[] = [];
  const errors: string[] = [];
  for (let i = 1; i < lines.length; i++) {
    const f = (lines[i] as string).split(',');
    if (si >= 0 && f[si] !== undefined && f[si].trim().toUpperCase() !== sym.toUpperCase()) continue;
    const t = unit === undefined ? parseTimestamp(f[ti] ?? '') : parseEpoch(f[ti] ?? '', unit);
    const rate = Number(f[ri]);
    const mark = mi >= 0 ? Number(f[mi]) : undefined;
    if (Number.isNaN(t) || !Number.isFinite(rate) || Math.abs(rate) > 0.1 || (mark !== undefined && !(mark > 0))) {
      errors.push(`row ${i + 1}: ${lines[i]} (need a time, a rate between -0.1 and 0.1${mi >= 0 ? ', a positive mark price' : ''})`);
      continue;
    }
    const prev = out[out.length - 1];
    if (prev !== undefined && t <= prev.tsEvent) {
      errors.push(`row ${i + 1}: ${isoTime(t)} is not after the previous settlement ${isoTime(prev.tsEvent)}`);
      continue;
    }
    const base = { type: 'funding' as const, symbol: sym, tsEvent: t, tsInit: t, rate };
    out.push(mark === undefined ? base : { ...base, markPrice: mark });
  }
  if (errors.length > 0) throw new DataError(file, errors, `${errors.length} bad row${errors.length === 1 ? '' : 's'}; nothing was loaded`);
  return out;
}
