/**
 * The frame fits the terminal: at exactly 80x24 no line is wider than 80 columns and there are at
 * most 24 lines, for every pane, prompt and the help screen, with ordinary and with extreme data;
 * larger terminals show more; below 80x24 a single line says so, and the layout comes back on
 * resize.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { WorkstationSnapshot } from '../../src/workstation/model.ts';
import { FakeWorkstation, sampleSnapshot } from '../kit/fake-workstation.ts';
import { KEY, mount, widthOf, type Mounted } from './render-app.tsx';

let m: Mounted | undefined;
afterEach(() => {
  m?.unmount();
  m = undefined;
});

function expectFits(mm: Mounted, columns: number, rows: number, what: string) {
  const lines = mm.lines();
  expect(lines.length, `${what}: ${lines.length} lines`).toBeLessThanOrEqual(rows);
  for (const l of lines) expect(widthOf(l), `${what}: "${l}"`).toBeLessThanOrEqual(columns);
}

/** Everything as long, large and numerous as it gets. */
function extremeSnapshot(): WorkstationSnapshot {
  const s = sampleSnapshot();
  const order = s.orders[0];
  const pos = s.positions[0];
  const diff = s.diffs[0];
  if (order === undefined || pos === undefined || diff === undefined) throw new Error('sample rows');
  const lat = { p50: 123_456.7, p90: 999_999, p99: 12_345_678, count: 98_765_432, recent: Array.from({ length: 500 }, (_, i) => (i * 37) % 1000) };
  return {
    ...s,
    status: {
      ...s.status,
      venue: 'binanceusdm-testnet-with-a-very-long-venue-name',
      strategy: 'mean-reversion-bollinger-with-long-name',
      state: 'HALTED',
      stateReason: 'venue rejected 12 orders in a row: -2019 margin is insufficient; operator must check the account\nsecond line',
      stateSetByEngine: true,
      faults: Array.from({ length: 3 }, (_, i) => ({ strategy: `strategy-${i}-with-a-long-name`, handler: 'onOrderFilled', message: `a very\nlong error ${'message '.repeat(20)}`, ts: s.status.now })),
      marketData: 'down',
      userStream: 'down',
      clockOffsetMs: -123_456,
      rateBudget: { remaining: 123_456, limit: 999_999, pausedUntil: s.status.now + 3_600_000 },
      equity: 123_456_789_012.34,
      dailyPnl: -98_765_432.1,
    },
    positions: Array.from({ length: 30 }, (_, i) => ({
      ...pos,
      symbol: `SYM${i}USDTPERPETUAL`,
      qty: -123_456_789.123456,
      entry: 123_456_789.1,
      mark: 0.00001234,
      unrealized: -1e12,
      realized: 9.99e11,
      funding: -123_456_789,
    })),
    orders: Array.from({ length: 50 }, (_, i) => ({ ...order, id: `P-some-very-long-client-order-id-${i}-${'x'.repeat(40)}`, qty: 123_456_789.123456, status: 'partially_filled_and_pending_cancel' })),
    diffs: Array.from({ length: 20 }, (_, i) => ({
      ...diff,
      id: `diff-${i}-with-a-long-id`,
      kind: 'position-mismatch-with-a-long-kind',
      message: `line one ${i}\nline two ${'very long message '.repeat(8)}`,
      resolution: 'pending operator decision',
      choices: i % 2 === 0 ? (['adopt', 'flatten'] as const) : [],
    })),
    funding: Array.from({ length: 20 }, (_, i) => ({
      symbol: `SYM${i}USDT`,
      total: -123_456_789.12,
      nextTime: i % 2 === 0 ? undefined : s.status.now + 1e10,
      nextRate: i % 3 === 0 ? undefined : -0.123456,
    })),
    latency: { submitToAck: lat, ackToFill: lat, cancelToAck: { p50: 0, p90: 0, p99: 0, count: 0, recent: [] }, feedLag: lat },
    divergence: {
      ...s.divergence,
      liveFills: 123_456_789,
      backtestFills: 987_654_321,
      livePnl: -1e11,
      backtestPnl: 1e11,
      note: 'a very long note '.repeat(30),
      band: { low: -1e11, high: 1e11, live: -1e11, percentile: 0, within: false, trades: 1e6 },
    },
    equity: { times: s.equity.times, values: s.equity.values.map((v) => v * 1e7) },
    events: Array.from({ length: 200 }, (_, i) => ({
      ts: s.status.now - i,
      level: (['info', 'warn', 'error', 'audit'] as const)[i % 4] ?? 'info',
      text: `event ${i} ${'with a very long text and a\nnewline '.repeat(5)}`,
    })),
  };
}

const VIEWS = ['1', '2', '3', '4', '5', '6', '7', '8'];

describe('80x24', () => {
  for (const [name, snap] of [
    ['sample data', sampleSnapshot()],
    ['extreme data', extremeSnapshot()],
  ] as const) {
    it(`every pane, the help screen and every prompt fit (${name})`, async () => {
      m = await mount({ ws: new FakeWorkstation(snap), noColor: true });
      expect(m.lines().length).toBe(23);
      for (const k of VIEWS) {
        await m.press(k);
        expectFits(m, 80, 24, `pane ${k}`);
      }
      await m.press('?');
      expectFits(m, 80, 24, 'help');
      await m.press(KEY.escape, 'f');
      expectFits(m, 80, 24, 'flatten confirm');
      await m.press('y', 'a reason much longer than the input line can hold at eighty columns');
      expectFits(m, 80, 24, 'flatten reason');
      await m.press(KEY.escape, 'h', 'y', KEY.enter);
      expectFits(m, 80, 24, 'empty reason error');
      await m.press(KEY.escape, 'p');
      expectFits(m, 80, 24, 'resume confirm');
      await m.press('y', 'x');
      expectFits(m, 80, 24, 'resume reason');
      await m.press(KEY.escape, '3', 'j', 'a');
      expectFits(m, 80, 24, 'diff choice');
      await m.press('y', 'x'.repeat(100));
      expectFits(m, 80, 24, 'diff choice reason');
      await m.press(KEY.escape, '?');
      expectFits(m, 80, 24, 'help on the Diffs pane');
      await m.press(KEY.escape, 'q');
      expectFits(m, 80, 24, 'quit confirm');
      await m.press('n', 'r');
      expectFits(m, 80, 24, 'result message');
    });
  }

  it('shows one pane (with the latest events) under the tab bar', async () => {
    m = await mount({ ws: new FakeWorkstation(), noColor: true });
    const f = m.frame();
    expect(f).toContain('[1 Pos 2]');
    expect(f).toContain('1 Positions');
    expect(f).toContain('8 Events');
    expect(f).not.toContain('2 Open orders');
    expect(f).not.toContain('7 Equity ·');
  });
});

describe('larger terminals', () => {
  it('use the extra rows at 100x40 (still one pane, more rows of it)', async () => {
    const snap = extremeSnapshot();
    m = await mount({ ws: new FakeWorkstation(snap), noColor: true }, { columns: 100, rows: 40 });
    await m.press('2');
    expectFits(m, 100, 40, '100x40');
    const orderRows = (mm: Mounted) => mm.lines().filter((l) => l.includes('P-some') || /│ BTCUSDT/.test(l)).length;
    const tall = orderRows(m);
    await m.resize(80, 24);
    expect(orderRows(m)).toBeLessThan(tall);
  });

  it('show every pane at once from 120x40, and fit', async () => {
    for (const [columns, rows] of [
      [120, 40],
      [160, 50],
      [240, 70],
    ] as const) {
      for (const snap of [sampleSnapshot(), extremeSnapshot()]) {
        m = await mount({ ws: new FakeWorkstation(snap), noColor: true }, { columns, rows });
        const f = m.frame();
        for (const t of ['1 Positions', '2 Open orders', '3 Reconciliation', '4 Funding', '5 Latency', '6 Live vs backtest', '7 Equity', '8 Events']) {
          expect(f, `${columns}x${rows}`).toContain(t);
        }
        expect(f).not.toContain('[1 Pos');
        expectFits(m, columns, rows, `${columns}x${rows}`);
        await m.press('f');
        expectFits(m, columns, rows, `${columns}x${rows} prompt`);
        m.unmount();
      }
    }
  });

  it('mark the selected pane in the grid and switch with the same keys', async () => {
    m = await mount({ ws: new FakeWorkstation(), noColor: true }, { columns: 140, rows: 45 });
    expect(m.frame()).toContain('══ 1 Positions');
    await m.press('5');
    expect(m.frame()).toContain('══ 5 Latency');
    expect(m.frame()).toContain('── 1 Positions');
  });

  it('zoom (z) shows the selected pane alone with every column, z again the grid', async () => {
    m = await mount({ ws: new FakeWorkstation(), noColor: true }, { columns: 130, rows: 42 });
    await m.press('5');
    expect(m.frame()).not.toMatch(/│ recent +│/);
    await m.press('z');
    expect(m.frame()).toContain('[5 Latency]');
    expect(m.frame()).toMatch(/│ recent +│/);
    expect(m.frame()).not.toContain('7 Equity ·');
    expectFits(m, 130, 42, 'zoomed');
    await m.press('z');
    expect(m.frame()).toContain('7 Equity ·');
    expect(m.frame()).toContain('══ 5 Latency');
  });

  it('switch between layouts on resize', async () => {
    m = await mount({ ws: new FakeWorkstation(), noColor: true });
    expect(m.frame()).not.toContain('7 Equity ·');
    await m.resize(140, 45);
    expect(m.frame()).toContain('7 Equity ·');
    await m.resize(80, 24);
    expect(m.frame()).not.toContain('7 Equity ·');
    expectFits(m, 80, 24, 'back to 80x24');
  });
});

describe('too small', () => {
  it('shows one line and nothing else, keeps running, and comes back on resize', async () => {
    const ws = new FakeWorkstation();
    m = await mount({ ws, noColor: true }, { columns: 70, rows: 20 });
    expect(m.lines()).toEqual(['terminal too small (70x20): needs 80x24 - still running, resize']);
    // Keys do nothing while nothing can be seen.
    await m.press('f', 'y', 'r', 'q');
    expect(ws.sent).toEqual([]);
    // The engine keeps notifying; the app keeps listening.
    ws.setStatus({ equity: 11_111.11 });
    expect(ws.subscribers).toBe(1);
    await m.resize(80, 24);
    expect(m.frame()).toContain('equity 11,111.11 USDT');
    expect(m.frame()).toContain('1 Positions');
    expectFits(m, 80, 24, 'restored');
  });

  it('says so for a terminal short or narrow by one, in words that fit', async () => {
    m = await mount({ ws: new FakeWorkstation(), noColor: true }, { columns: 79, rows: 24 });
    expect(m.lines()).toEqual(['terminal too small (79x24): needs 80x24 - still running, resize to see it']);
    await m.resize(200, 23);
    expect(m.lines()).toEqual(['terminal too small (200x23): Parity needs at least 80x24 - still running, resize to see the workstation']);
    await m.resize(50, 10);
    expect(m.lines()).toEqual(['too small (50x10): needs 80x24, still running']);
    await m.resize(30, 10);
    expect(m.lines()).toEqual(['too small (30x10), need 80x24']);
    await m.resize(12, 5);
    expect(m.lines()).toHaveLength(1);
    expect(widthOf(m.lines()[0] ?? '')).toBeLessThanOrEqual(12);
  });
});
