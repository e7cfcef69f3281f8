import { appendFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { symbol } from '../../src/engine/index.ts';
import { loadCandles, loadFunding } from '../../src/data/index.ts';
import { startLocalExchange, type LocalExchange } from '../../src/local-exchange/index.ts';
import { localXrp5m, parityAsync } from '../kit/cli.ts';

const MIN = 60_000;
let lx: LocalExchange;
let start = 0;
const out = mkdtempSync(join(tmpdir(), 'parity-fetch-'));
const source = loadCandles('data/binance-btcusdt-spot-1m-2024-12/BTCUSDT-1m-2024-12.csv', symbol('BTCUSDT')).series;

beforeAll(async () => {
  lx = await startLocalExchange({ mode: 'manual', warmupBars: 1500 });
  start = lx.serverTime();
});
afterAll(async () => lx.close());

const fetch = (dir: string, from: number, to: number, extra: string[] = []) =>
  parityAsync(['data', 'fetch', '--exchange', 'local', '--exchange-url', lx.url, '--symbol', 'BTCUSDT', '--timeframe', '1m', '--from', String(from), '--to', String(to), '--out', dir, ...extra]);

describe('parity data fetch (against the local exchange)', () => {
  it('pages candles into a file backtest reads, with the venue values unchanged', async () => {
    const dir = join(out, 'one');
    const r = await fetch(dir, start - 1400 * MIN, start - 200 * MIN);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/1200 candles written/);
    const f = loadCandles(join(dir, 'local', 'BTCUSDT-1m.csv'), symbol('BTCUSDT'));
    expect(f.series.length).toBe(1200);
    expect(f.warnings).toEqual([]);
    // bar k of the bundled file opens at start + (k - 1500) minutes on the local exchange
    for (const i of [0, 1, 999, 1199]) {
      const k = 100 + i;
      expect([f.series.open[i], f.series.high[i], f.series.low[i], f.series.close[i], f.series.volume[i]]).toEqual([source.open[k], source.high[k], source.low[k], source.close[k], source.volume[k]]);
      expect(f.series.ts[i]).toBe(start + (k - 1500) * MIN);
    }
  });

  it('resumes where it stopped (also after a torn last line) and fetches nothing twice', async () => {
    const dir = join(out, 'two');
    const file = join(dir, 'local', 'BTCUSDT-1m.csv');
    await fetch(dir, start - 1400 * MIN, start - 800 * MIN);
    appendFileSync(file, '17330'); // an interrupted write
    const before = lx.state().counters.requests['/fapi/v1/klines'] ?? 0;
    const r = await fetch(dir, start - 1400 * MIN, start - 200 * MIN);
    expect(r.stdout).toMatch(/600 candles written \(resumed after/);
    expect((lx.state().counters.requests['/fapi/v1/klines'] ?? 0) - before).toBeLessThanOrEqual(2);
    expect(readFileSync(file, 'utf8')).toBe(readFileSync(join(out, 'one', 'local', 'BTCUSDT-1m.csv'), 'utf8'));
    const again = await fetch(dir, start - 1400 * MIN, start - 200 * MIN);
    expect(again.stdout).toMatch(/0 candles written/);
  });

  it('fetches the funding-rate history of a perpetual', async () => {
    const dir = join(out, 'three');
    const r = await parityAsync(['data', 'fetch', ...localXrp5m(lx.url), '--from', String(start - 40 * 86_400_000), '--to', String(start), '--out', dir, '--funding']);
    expect(r.stderr).toBe('');
    const rates = loadFunding(join(dir, 'local', 'XRPUSDT-funding.csv'), symbol('XRPUSDT'));
    expect(rates.length).toBeGreaterThan(0);
    expect(rates.every((x) => Math.abs(x.rate) < 0.01)).toBe(true);
  });

  it('says what is wrong with bad input', async () => {
    const r = await parityAsync(['data', 'fetch', '--exchange', 'local', '--exchange-url', lx.url, '--symbol', 'NOPEUSDT', '--from', '2024-01-01']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/symbol NOPEUSDT is not listed/);
  });
});
