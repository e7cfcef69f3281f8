import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectClearFailure, parity } from '../kit/cli.ts';

const tmp = mkdtempSync(join(tmpdir(), 'parity-cli-'));
const RANGE = ['--from', '2024-12-02', '--to', '2024-12-04'];

describe('parity backtest (the real binary)', () => {
  it('prints one JSON object with fills, final equity and fees', () => {
    const r = parity(['backtest', ...RANGE, '--json', '--fee-bps', '4', '--latency', '0', '--impact', '0', '--spread-ticks', '0']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { fills: { ts: number; side: string; price: number; qty: number; fee: number }[]; finalEquity: number; totalFees: number };
    expect(out.fills.length).toBeGreaterThan(10);
    const f = out.fills[0];
    expect(f).toMatchObject({ side: 'buy', qty: 0.01 });
    expect(f?.ts).toBeGreaterThanOrEqual(Date.UTC(2024, 11, 2));
    expect(f?.fee).toBeCloseTo((f?.price ?? 0) * 0.01 * 0.0004, 12);
    const fees = out.fills.reduce((s, x) => s + x.fee, 0);
    expect(out.totalFees).toBeCloseTo(fees, 9);
    expect(out.finalEquity).toBeGreaterThan(9000);
  });

  it('prints a human summary with the equity chart and the volatility regimes', () => {
    const r = parity(['backtest', ...RANGE]);
    expect(r.code).toBe(0);
    for (const s of ['Net PnL', 'Fees', 'Funding', 'Trades', 'win rate', 'Sharpe', 'Max drawdown', 'Exposure', 'Equity (USDT)', 'By volatility regime', 'low', 'mid', 'high']) {
      expect(r.stdout).toContain(s);
    }
    expect(r.stdout).toMatch(/[\u2800-\u28ff]/); // braille dots
    expect(r.stdout).not.toMatch(/\u001b\[/); // NO_COLOR respected
  });

  it('exports fills and the equity curve as CSV, and the same seed gives a byte-identical event log', () => {
    const args = ['backtest', ...RANGE, '--strategy', 'mean-reversion', '--latency', 'lognormal:200,2000', '--seed', '7'];
    const a = parity([...args, '--events', join(tmp, 'a.jsonl'), '--export-fills', join(tmp, 'fills.csv'), '--export-equity', join(tmp, 'eq.csv'), '--json']);
    const b = parity([...args, '--events', join(tmp, 'b.jsonl')]);
    const c = parity([...args.slice(0, -1), '8', '--events', join(tmp, 'c.jsonl')]);
    expect([a.code, b.code, c.code]).toEqual([0, 0, 0]);
    const la = readFileSync(join(tmp, 'a.jsonl'), 'utf8');
    expect(la.length).toBeGreaterThan(1000);
    expect(readFileSync(join(tmp, 'b.jsonl'), 'utf8')).toBe(la);
    expect(readFileSync(join(tmp, 'c.jsonl'), 'utf8')).not.toBe(la);
    const fills = (JSON.parse(a.stdout) as { fills: unknown[] }).fills;
    const csv = readFileSync(join(tmp, 'fills.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toBe('ts,time,symbol,side,price,qty,fee,liquidity,order_id,trade_id');
    expect(csv.length - 1).toBe(fills.length);
    const eq = readFileSync(join(tmp, 'eq.csv'), 'utf8').trim().split('\n');
    expect(eq[0]).toBe('ts,time,equity,exposure');
    expect(eq.length - 1).toBe(2 * 24 * 60);
  });

  it('backtests a market the catalog does not list (XRPUSDT spot): the tick comes from the data', () => {
    const r = parity(['backtest', '--data', 'data/binance-xrpusdt-perp-2021-11/XRPUSDT-5m-2021-11.csv', '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { market: string; symbols: string[]; fills: { price: number }[] };
    expect(out).toMatchObject({ market: 'spot', symbols: ['XRPUSDT'] });
    expect(out.fills.length).toBeGreaterThan(0);
    for (const f of out.fills) expect(String(f.price)).toMatch(/^\d+(\.\d{1,4})?$/); // on the file's 0.0001 grid
  });

  it('runs a perpetual with funding and reports what was paid', () => {
    const r = parity([
      'backtest',
      '--data',
      'data/binance-xrpusdt-perp-2021-11/XRPUSDT-5m-2021-11.csv',
      '--funding',
      'data/binance-xrpusdt-perp-2021-11/XRPUSDT-funding-8h.csv',
      '--strategy',
      'sma-cross',
      '--param',
      'size=1000',
      '--from',
      '2021-11-18',
      '--json',
    ]);
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout) as { market: string; totalFunding: number; fills: unknown[] };
    expect(out.market).toBe('perp');
    expect(out.fills.length).toBeGreaterThan(0);
    expect(out.totalFunding).not.toBe(0);
  });
});

describe('parity backtest: bad input gets one clear message and a non-zero exit', () => {
  it('a missing data file', () => {
    expectClearFailure(parity(['backtest', '--data', 'nope/BTCUSDT-1m.csv']), /^parity: .*BTCUSDT-1m\.csv: cannot read the data file: no such file\n$/);
  });

  it('a malformed data file, naming the rows', () => {
    const f = join(tmp, 'BTCUSDT-bad.csv');
    writeFileSync(f, 'timestamp,open,high,low,close,volume\n1733007600000,10,11,9,10,1\n1733007660000,10,9,11,10,1\n1733007720000,10,11,9,NaN,1\n');
    expectClearFailure(parity(['backtest', '--data', f]), /2 bad rows; nothing was loaded\n {2}- row 3: high 9 < low 11\n {2}- row 4: close "NaN" is not a number/);
  });

  it('an unknown strategy, listing the known ones', () => {
    expectClearFailure(parity(['backtest', '--strategy', 'nope']), /^parity: unknown strategy "nope". Available: mean-reversion, sma-cross/);
  });

  it('a strategy that throws, saying where and when', () => {
    const f = join(tmp, 'thrower.ts');
    writeFileSync(
      f,
      `import { defineStrategy } from '${process.cwd()}/src/engine/index.ts';\nlet n = 0;\nexport default defineStrategy({ name: 'thrower', params: {}, create: () => ({ onBar() { if (++n === 100) throw new Error('division by zero in my signal'); } }) });\n`,
    );
    expectClearFailure(parity(['backtest', '--strategy', f, ...RANGE]), /^parity: strategy thrower threw in onBar at 2024-12-02T01:40:00\.000Z: division by zero in my signal\n/);
  });

  it('a strategy whose create() throws: one message naming it and the first line of what it threw', () => {
    const r = parity(['backtest', '--strategy', 'test/kit/strategies/broken-create.ts', ...RANGE]);
    expectClearFailure(
      r,
      /^parity: strategy broken-create failed while being created: cannot open model\.bin: no such file\nIt never ran, so nothing was traded\. Fix the strategy .* and run again\.\n$/,
    );
    expect(r.code).toBe(1);
  });

  it('a size that cannot trade on the market: names the parameter and the smallest size that trades', () => {
    const xrpPerp = ['backtest', '--data', 'data/binance-xrpusdt-perp-2021-11/XRPUSDT-5m-2021-11.csv', '--market', 'perp', '--from', '2021-11-18'];
    const r = parity(xrpPerp); // sma-cross's default size, 0.01 XRP
    expectClearFailure(
      r,
      /^parity: strategy sma-cross cannot trade with size=0\.01: XRPUSDT trades in lots of 0\.1 with a minimum notional of 5 USDT at 1\.\d+, and 0\.01 rounds to 0, so every order would be denied\. Nothing was traded\. Pass --param size=\d+(\.\d)? or more\.\n$/,
    );
    const smallest = /--param size=([\d.]+)/.exec(r.stderr)?.[1] as string;
    const ok = parity([...xrpPerp, '--param', `size=${smallest}`, '--json']);
    expect(ok.code).toBe(0);
    expect((JSON.parse(ok.stdout) as { fills: unknown[] }).fills.length).toBeGreaterThan(0);
    const below = (Number(smallest) - 0.1).toFixed(1);
    expectClearFailure(parity([...xrpPerp, '--param', `size=${below}`]), /is worth 4\.\d\d USDT there/);
  });

  it('bad option values', () => {
    expectClearFailure(parity(['backtest', '--fee-bps', 'abc']), /option '--fee-bps <bps>' argument 'abc' is invalid\. expected a number >= 0/);
    expectClearFailure(parity(['backtest', '--cash', '0']), /--cash <amount>' argument '0' is invalid\. expected a number > 0/);
    expectClearFailure(parity(['backtest', '--tick', '1e-20']), /--tick <size>' argument '1e-20' is invalid\. expected a step > 0 with at most 18 decimals/);
    expectClearFailure(parity(['backtest', '--latency', 'soon']), /^parity: --latency: latency "soon" is not one of/);
    expectClearFailure(parity(['backtest', '--param', 'fast=x']), /^parity: strategy sma-cross: parameter "fast" must be a number \(got "x"\)/);
    expectClearFailure(parity(['backtest', '--param', 'fats=5']), /^parity: strategy sma-cross has no parameter "fats"; its parameters are: fast, slow, size/);
    expectClearFailure(parity(['backtest', '--param', 'slow=5']), /slow must be a whole number > fast/);
    expectClearFailure(parity(['backtest', '--from', 'yesterday']), /--from yesterday: not a date/);
    expectClearFailure(parity(['backtest', '--from', '2030-01-01']), /no data in the requested range/);
    expectClearFailure(parity(['backtest', '--bogus']), /unknown option '--bogus'/);
  });

  it('a bad config file', () => {
    const f = join(tmp, 'bad.json');
    writeFileSync(f, JSON.stringify({ backtest: { feeBps: 'four' } }));
    expectClearFailure(parity(['backtest', '--config', f]), /bad\.json has 1 problem:\n {2}- backtest\.feeBps: .*number/);
  });
});
