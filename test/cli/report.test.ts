/**
 * `parity report` through the real binary over live sessions recorded by the real binary against
 * the local exchange (test/kit/recorded-session.ts): with faults off, `parity replay` is
 * deterministic, the execution-held replay reproduces every decision (match rate 1) and the five
 * classes add up to the gap with a residual under 1% of gross; with latency spikes (700-900 ms on
 * every order) and partial fills injected through the exchange's fault script, and the market
 * moving while the orders are on their way, execution is the largest class and the residual stays
 * under 1% of gross.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseFixed } from '../../src/engine/index.ts';
import type { FaultScript } from '../../src/local-exchange/index.ts';
import { recordSession } from '../kit/recorded-session.ts';
import { report, runParity as run, type ReportJson } from '../kit/report-json.ts';

/** Exact sum of JSON decimals (each class is a short decimal of an exact fixed-18 amount). */
const exactSum = (xs: readonly number[]): bigint => xs.reduce((a, x) => a + parseFixed(String(x)), 0n);

/** The checks every report must pass: the classes add up to the gap, exactly, and the chain's steps are the classes. */
function expectConsistent(j: ReportJson): void {
  const a = j.attribution;
  const e = j.exact;
  expect([e.data, e.execution, e.logic, e.cost, e.residual].reduce((t, x) => t + parseFixed(x), 0n)).toBe(parseFixed(e.gap));
  expect(Number(e.gap)).toBe(j.pnl.gap);
  expect(exactSum([a.data, a.execution, a.logic, a.cost, a.residual])).toBe(parseFixed(String(j.pnl.gap)));
  expect(parseFixed(String(j.pnl.gap))).toBe(parseFixed(String(j.pnl.live)) - parseFixed(String(j.pnl.replay)));
  const c = j.chain;
  expect(parseFixed(String(a.execution))).toBe(parseFixed(String(c.executionHeld)) - parseFixed(String(c.received)));
  expect(parseFixed(String(a.cost))).toBe(parseFixed(String(c.liveCosts)) - parseFixed(String(c.executionHeld)));
  expect(j.pnl.gross).toBeGreaterThan(0);
}

describe('parity report over a live session against the local exchange, faults off', () => {
  let dir: string;
  let bars: string;
  beforeAll(async () => {
    bars = join(mkdtempSync(join(tmpdir(), 'parity-venue-')), 'klines.json');
    // The session's model charges 5 bps taker (a flag) where the venue charges 4: cost is measured (with the venue's own fees, the default, it is 0).
    dir = await recordSession('live', 6, { venueBars: bars, args: ['--fee-bps', '5'] });
  }, 120_000);

  it('parity replay twice gives identical output; the report: match rate 1, the classes add up to the gap, residual under 1% of gross', async () => {
    const a = await run('replay', dir, '--json');
    expect((await run('replay', dir, '--json')).stdout).toBe(a.stdout);
    const j = await report(dir, '--venue-bars', bars);
    expect(j.signals.live).toBeGreaterThanOrEqual(12);
    expect(j.signals).toMatchObject({ replay: j.signals.live, matched: j.signals.live, matchRate: 1 });
    expectConsistent(j);
    expect(Math.abs(j.attribution.residual)).toBeLessThan(0.01 * j.pnl.gross);
    expect(j.attribution.logic).toBe(0);
    // The venue's klines are what the session received: data is measured, and 0.
    expect(j.data).toMatchObject({ missed: 0, different: 0, extra: 0 });
    expect(j.data.compared).toBe(6);
    expect(j.attribution.data).toBe(0);
    // The local exchange charges 4 bps taker; the session's model 5: cost is measured and positive (less paid).
    expect(j.attribution.cost).toBeGreaterThan(0);
    expect(j.fills.live).toBeGreaterThanOrEqual(5);
    expect(j.latency.submitAck.n).toBeGreaterThan(0);
    expect(j.latency.feedLag.n).toBe(6);
    expect(j.trades.filter((t) => t.live !== null)).toHaveLength(new Set(j.trades.filter((t) => t.live !== null).map((t) => t.clientOrderId)).size);
    // Deterministic too, and the text report shows the same figures.
    expect(JSON.stringify(await report(dir, '--venue-bars', bars))).toBe(JSON.stringify(j));
    const text = (await run('report', dir, '--venue-bars', bars, '--no-chart')).stdout;
    expect(text).toContain(`${j.signals.matched} of ${j.signals.live} live decisions reproduced`);
    expect(text).toMatch(/= gap\s+-?\d+\.\d{4}/);
  }, 120_000);

  it('without a venue record, data is 0 with the reason stated; a venue record that differs is measured as data', async () => {
    const j = await report(dir);
    expect(j.attribution.data).toBe(0);
    expect(j.data.source).toMatch(/^none: no venue record was given/);
    expectConsistent(j);
    // The venue's record with one of the session's bars changed and another one gone: what the
    // session got differs from the venue, and the backtest on the venue's record moves.
    const rows = JSON.parse(readFileSync(bars, 'utf8')) as string[][];
    const got = await report(dir, '--venue-bars', bars);
    const { from, to } = JSON.parse((await run('replay', dir, '--json')).stdout) as { from: number; to: number };
    const span = rows.filter((r) => Number(r[0]) >= from && Number(r[0]) < to);
    expect(span).toHaveLength(got.data.compared);
    const changed = rows.map((r) => (r === span[2] ? [r[0], r[1], String(Number(r[2]) * 1.01), r[3], String(Number(r[4]) * 1.01), ...r.slice(5)] : r)).filter((r) => r !== span[4]);
    const other = join(mkdtempSync(join(tmpdir(), 'parity-venue-')), 'klines.json');
    writeFileSync(other, JSON.stringify(changed));
    const k = await report(dir, '--venue-bars', other);
    expect(k.data).toMatchObject({ compared: 5, different: 1, extra: 1, missed: 0 });
    expect(got.data.compared).toBe(6);
    expect(k.attribution.data).not.toBe(0);
    expect(k.pnl.live).toBe(j.pnl.live);
    expectConsistent(k);
  }, 60_000);
});

const FAULTS: FaultScript = {
  rest: [{ method: 'POST', path: '/fapi/v1/order', action: { type: 'latency', ms: 'uniform:700-900' } }],
  partialFills: { pieces: 3, symbols: ['XRPUSDT'] },
};

describe('parity report over a live session with latency spikes and partial fills injected', () => {
  let dir: string;
  beforeAll(async () => {
    // The market moves half a bar 300 ms after each bar's decisions, while the orders (700-900 ms
    // on their way) have not reached the venue: they fill at a moved market. The resting bids sit
    // 5% under the market: none fills, so no fill races its cancel.
    dir = await recordSession('live', 8, { exchange: { faults: FAULTS }, moveWhileInFlight: { afterMs: 300 }, params: ['size=1000', 'offset=0.05'] });
  }, 180_000);

  it('execution is the largest class; the residual stays under 1% of gross', async () => {
    const j = await report(dir);
    expectConsistent(j);
    const a = j.attribution;
    expect(Math.abs(a.execution)).toBeGreaterThan(Math.max(Math.abs(a.data), Math.abs(a.cost), Math.abs(a.logic), Math.abs(a.residual)));
    expect(Math.abs(a.residual)).toBeLessThan(0.01 * j.pnl.gross);
    // The partial fills are there: more live fills than orders filled.
    expect(j.fills.live).toBeGreaterThan(j.trades.filter((t) => t.live !== null).length);
    expect(j.latency.submitAck.p50).toBeGreaterThanOrEqual(700);
  }, 120_000);
});
