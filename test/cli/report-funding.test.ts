/**
 * Funding, expected versus charged (src/cli/report/funding.ts). On the bundled XRPUSDT perpetual
 * data, the simulator's funding and the report's expectation both equal an independent
 * calculation from the raw rates in the file (rate x position x the last close before each
 * funding time), to the cent.
 */
import { describe, expect, it } from 'vitest';
import { initialState, toNumber, type LoggedMessage } from '../../src/engine/index.ts';
import { buildSpec } from '../../src/cli/backtest/spec.ts';
import { runBacktestSpec } from '../../src/cli/backtest/run.ts';
import { checkFunding } from '../../src/cli/report/funding.ts';
import { liveBooks } from '../../src/cli/report/live-books.ts';
import { parseConfig } from '../../src/config/schema.ts';
import type { SessionRecording } from '../../src/persistence/recording.ts';
import { XRP_PERP_DIR, xrpPerpRows } from '../kit/xrp-perp-data.ts';

const DIR = XRP_PERP_DIR;
const csv = xrpPerpRows;

describe('funding on the bundled XRPUSDT perpetual', () => {
  it('the simulator charges, and the report expects, what the raw rates say, to the cent', async () => {
    const messages: LoggedMessage[] = [];
    const flags = { data: [`${DIR}/XRPUSDT-5m-2021-11.csv`], funding: [`${DIR}/XRPUSDT-funding-8h.csv`], strategy: 'test/kit/strategies/holder.ts', param: ['size=1000'], cash: 10_000 };
    const r = await runBacktestSpec(buildSpec(flags, parseConfig('{}', 'test')), { onMessage: (m) => messages.push(m) });
    // Independent: the raw files, the position from the fills, the last close before each funding time.
    const bars = csv('XRPUSDT-5m-2021-11.csv').map((c) => ({ open: Number(c[0]), close: Number(c[4]) }));
    const fills = r.result.fills.map((f) => ({ t: f.tsEvent, q: f.side === 'buy' ? f.lastQty : -f.lastQty }));
    let independent = 0;
    let settlements = 0;
    for (const [, time, rate] of csv('XRPUSDT-funding-8h.csv')) {
      const t = Number(time);
      const pos = fills.filter((f) => f.t <= t).reduce((a, f) => a + f.q, 0);
      const last = bars.filter((b) => b.open + 300_000 <= t).at(-1);
      if (last === undefined || pos === 0 || t > (bars.at(-1) as { open: number }).open + 300_000) continue;
      independent += -Number(rate) * pos * last.close;
      settlements++;
    }
    expect(settlements).toBeGreaterThanOrEqual(10);
    expect(Math.abs(independent)).toBeGreaterThan(1);
    expect(Math.abs(r.totalFunding - independent)).toBeLessThan(0.005);
    // The engine's own check while running found every payment as expected: no funding diff.
    expect(messages.filter((m) => m.type === 'ReconciliationDiff')).toEqual([]);
    expect(messages.filter((m) => m.type === 'FundingPaid').length).toBeGreaterThan(10);
    // The report's expectation, from its own fold of the run's messages.
    const session = { header: { start: initialState('USDT', '10000') }, data: [], messages: messages.map((m) => ({ w: 0, n: 0, m })), requests: [], end: undefined } as unknown as SessionRecording;
    const check = checkFunding(liveBooks(session).funding, []);
    expect(check.lines).toHaveLength(settlements);
    expect(Math.abs(toNumber(check.expected) - independent)).toBeLessThan(0.005);
    expect(check.mismatches).toEqual([]);
  }, 60_000);
});
