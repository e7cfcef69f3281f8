/**
 * Funding, expected versus charged, live: a session of the real binary against the local exchange
 * (through ccxt, headless) holds a long position across a real funding time of the bundled XRPUSDT
 * perpetual data; `parity report --json` then shows the venue's payment, the expectation (rate x
 * position x mark) equal to it to the cent, and both equal an independent calculation from the raw
 * files: the rate in the funding file at that time, the position the venue filled, and the mark the
 * local exchange settles at (the last price of its feed: the opening print of the bar that starts at
 * the funding time, src/local-exchange/execution.ts settleFunding). When the venue charges another
 * amount (the local exchange's wrong-charge fault), the report shows the payment as a diff.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseFixed } from '../../src/engine/index.ts';
import type { FaultScript, LocalExchangeEvent } from '../../src/local-exchange/index.ts';
import { BAR } from '../kit/drill.ts';
import { recordSession } from '../kit/recorded-session.ts';
import { report, runParity, type ReportJson } from '../kit/report-json.ts';
import { xrpPerpRows } from '../kit/xrp-perp-data.ts';

const csv = xrpPerpRows;
const BARS = csv('XRPUSDT-5m-2021-11.csv');
const RATES = csv('XRPUSDT-funding-8h.csv');

/** The funding time crossed: 2021-11-21 00:00 UTC, rate 0.00013862 (not the usual 0.0001), and the bar opening then opens a tick under the last close (1.0975 vs 1.0976), so the mark chosen shows. */
const FUNDING = 1_637_452_800_000;
/** The session starts 3 bars before it: its third bar closes at the funding time. */
const FIRST = BARS.findIndex((r) => Number(r[0]) === FUNDING) - 3;
const SIZE = 300_000;

/** Exact signed amount of a decimal string or JSON number, fixed-18. */
const fx = (v: string | number): bigint => parseFixed(String(v));
/** a x b, both fixed-18, exact (the inputs have few decimals, so nothing is cut). */
const times = (a: bigint, b: bigint): bigint => (a * b) / 10n ** 18n;

/** The session of these tests: SIZE held across FUNDING; `faults` for the local exchange. */
async function fundingSession(faults?: FaultScript): Promise<{ dir: string; venue: readonly LocalExchangeEvent[]; shift: number; diffs: readonly Record<string, unknown>[] }> {
  const start = Math.floor(Date.now() / BAR) * BAR;
  const config = join(mkdtempSync(join(tmpdir(), 'parity-funding-')), 'parity.config.json');
  // Funding is booked from the venue's income history by the full reconciliation: every second here (default 30 s).
  writeFileSync(config, JSON.stringify({ reconciliation: { fullMs: 1000 } }));
  let venue: readonly LocalExchangeEvent[] = [];
  let logs: readonly Record<string, unknown>[] = [];
  const dir = await recordSession('live', 5, {
    exchange: { warmupBars: FIRST, startTime: start, ...(faults === undefined ? {} : { faults }) },
    strategy: 'test/kit/strategies/funding-holder.ts',
    params: [`size=${SIZE}`],
    args: ['--config', config],
    before: { what: 'the funding payment booked', stop: (logs) => logs.some((r) => r['type'] === 'FundingPaid'), ms: 30_000 },
    venueEvents: (e) => (venue = e),
    logs: (l) => (logs = l),
  });
  // Where the data's times land on the exchange's clock: data bar FIRST opens at `start`.
  const diffs = logs.filter((r) => r['type'] === 'ReconciliationDiff' && r['diff'] === 'funding_mismatch');
  return { dir, venue, shift: start - Number(BARS[FIRST]?.[0]), diffs };
}

/** -rate x position x mark from the raw files: the rate at FUNDING, SIZE, and the open of the bar starting then. */
function independent(): bigint {
  const row = RATES.find((r) => Number(r[1]) === FUNDING) as string[];
  const bar = BARS.find((r) => Number(r[0]) === FUNDING) as string[];
  return -times(times(fx(SIZE), fx(bar[1] as string)), fx(row[2] as string));
}

describe('live funding from the local exchange, expected versus charged', () => {
  let s: Awaited<ReturnType<typeof fundingSession>>;
  let j: ReportJson;
  beforeAll(async () => {
    s = await fundingSession();
    j = await report(s.dir);
  }, 120_000);

  it('the report: the venue charged funding, and the expectation equals it to the cent', async () => {
    expect(j.funding.payments).toBe(1);
    expect(j.funding.charged).not.toBe(0);
    expect(Math.abs(j.funding.expected - j.funding.charged)).toBeLessThan(0.005);
    expect(Math.abs(j.funding.diff)).toBeLessThan(0.005);
    expect(j.funding.mismatches).toBe(0);
    expect(j.funding.mismatched).toEqual([]);
    const text = (await runParity('report', s.dir, '--no-chart')).stdout;
    expect(text).toMatch(/funding\s+expected -?\d/);
    expect(text).not.toContain('off by more than a cent');
    // Nor did the live session see a difference.
    expect(s.diffs).toEqual([]);
  }, 60_000);

  it('what was charged equals rate x position x mark from the raw files', () => {
    // The venue's own record of the settlement: once, at the funding time on its clock.
    const paid = s.venue.filter((e): e is Extract<LocalExchangeEvent, { type: 'funding' }> => e.type === 'funding');
    expect(paid).toHaveLength(1);
    const settled = paid[0] as (typeof paid)[number];
    const row = RATES.find((r) => Number(r[1]) === FUNDING) as string[];
    expect(settled.time).toBe(Number(row[1]) + s.shift);
    // The position: what the venue filled before that time (the strategy's one market buy).
    const position = s.venue.reduce((q, e) => (e.type === 'fill' && e.time <= settled.time ? q + (e.side === 'BUY' ? fx(e.qty) : -fx(e.qty)) : q), 0n);
    expect(position).toBe(fx(SIZE));
    // The mark: the local exchange's last price then, the open of the bar starting at the funding time.
    const due = independent();
    expect(due).toBeLessThan(0n); // a long pays a positive rate
    expect(fx(settled.amount)).toBe(due);
    expect(fx(j.funding.charged)).toBe(due);
    expect(fx(j.funding.expected)).toBe(due);
  });
});

describe('a venue that charges the wrong funding', () => {
  it('the live session records a reconciliation diff, and the report shows the payment as a diff: charged 1.1 x what rate x position x mark says', async () => {
    const { dir, diffs } = await fundingSession({ funding: { factor: 1.1 } });
    // The live session itself: one reconciliation diff when the payment was booked, booked as charged.
    expect(diffs).toHaveLength(1);
    expect(diffs[0]).toMatchObject({ severity: 'warn', symbol: 'XRPUSDT' });
    expect(diffs[0]?.['message']).toMatch(/^funding for XRPUSDT at \S+: the venue charged -50\.2047, rate 0\.00013862 x position 300000 x mark 1\.0975 says -45\.6406 \(off by -4\.5641\)$/);
    const j = await report(dir);
    const due = independent();
    expect(fx(j.funding.expected)).toBe(due);
    expect(fx(j.funding.charged)).toBe((due * 11n) / 10n);
    expect(fx(j.funding.diff)).toBe(due / 10n);
    expect(j.funding.mismatches).toBe(1);
    expect(j.funding.mismatched).toHaveLength(1);
    expect(j.funding.mismatched[0]).toMatchObject({ symbol: 'XRPUSDT', position: SIZE, source: 'data', diff: j.funding.diff });
    const text = (await runParity('report', dir, '--no-chart')).stdout;
    expect(text).toContain('1 off by more than a cent: a reconciliation diff');
    expect(text).toMatch(/DIFF XRPUSDT .*: charged -50\.2047, expected -45\.6406/);
  }, 120_000);
});
