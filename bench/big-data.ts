/**
 * A 2M-bar candle file for the end-to-end benchmarks, made from the real BTCUSDT 1m data: the
 * December 2024 month tiled end to end, each copy shifted by the month's span plus one bar, so the
 * result is one continuous 1m series (the prices repeat; a jump at each seam). Written under
 * out/ (git-ignored) and reused while its size matches; never committed.
 */
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BTC_1M } from './kit.ts';

export const BIG_BARS = 2_000_000;

/** Path of the tiled file with `bars` rows (header `open_time,open,high,low,close,volume,...` as the source). */
export function bigCandleFile(bars = BIG_BARS): string {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const path = join(root, 'out', 'bench', `BTCUSDT-1m-tiled-${bars}.csv`);
  const lines = readFileSync(BTC_1M, 'utf8').trimEnd().split('\n');
  const header = lines[0] as string;
  const rows = lines.slice(1).map((l) => l.split(','));
  const t0 = Number(rows[0]?.[0]);
  const span = Number(rows[rows.length - 1]?.[0]) - t0 + 60_000;
  if (existsSync(path) && statSync(path).size > 0) {
    const have = readFileSync(path, 'utf8');
    if (have.split('\n').length - 2 === bars) return path;
  }
  const out: string[] = [header];
  for (let k = 0; out.length <= bars; k++) {
    for (const r of rows) {
      if (out.length > bars) break;
      const shift = k * span;
      out.push([Number(r[0]) + shift, ...r.slice(1, 6), r[6], r[7], Number(r[8]) + shift].join(','));
    }
  }
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, out.join('\n') + '\n');
  return path;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) console.log(bigCandleFile(Number(process.argv[2] ?? BIG_BARS)));
