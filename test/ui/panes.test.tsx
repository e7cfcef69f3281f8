/**
 * Every pane renders its data: the sample session (BTCUSDT ~96,000, XRPUSDT ~1.14) at 80x24, one
 * pane at a time, asserting on the frame's text.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { FakeWorkstation, sampleSnapshot } from '../kit/fake-workstation.ts';
import { render } from 'ink-testing-library';
import { DivergencePane } from '../../src/ui/panes/DivergencePane.tsx';
import { mount, type Mounted } from './render-app.tsx';

let m: Mounted | undefined;
afterEach(() => {
  m?.unmount();
  m = undefined;
});

async function show(key: string, ws = new FakeWorkstation()) {
  m = await mount({ ws, noColor: true });
  await m.press(key);
  return m.frame();
}

describe('status bar', () => {
  it('shows mode, venue, strategy, state, connections, clock, rate budget, equity and daily PnL', async () => {
    const f = await show('1');
    const [l1, l2] = f.split('\n');
    expect(l1).toMatch(/LIVE +binanceusdm {2}sma-cross {2}RUNNING .*13:41:07 UTC/);
    expect(l2).toContain('md up  user up  clock +12ms  rate 2280/2400');
    expect(l2).toContain('equity 10,234.56 USDT  day +123.45');
  });

  it('shows bad market data dropped next to the feed, and nothing when none was', async () => {
    const ws = new FakeWorkstation();
    expect((await show('1', ws)).split('\n')[1]).not.toContain('bad data');
    m?.unmount();
    ws.current = { ...ws.current, status: { ...ws.current.status, dataQuality: { dropped: 3, counts: { spike: 2, crossed: 1 }, gaps: 0, missingBars: 0 } } };
    expect((await show('1', ws)).split('\n')[1]).toContain('md up  bad data 3 dropped  user up');
  });

  it('shows a halt with its reason, dead links, clock drift and a rate pause', async () => {
    const ws = new FakeWorkstation();
    const now = ws.current.status.now;
    ws.current = {
      ...ws.current,
      status: {
        ...ws.current.status,
        mode: 'paper',
        state: 'HALTED',
        stateReason: 'reconcile: venue position differs (XRPUSDT)',
        marketData: 'down',
        userStream: 'n/a',
        clockOffsetMs: -1340,
        rateBudget: { remaining: 0, limit: 2400, pausedUntil: now + 12_000 },
        dailyPnl: -88.1,
      },
    };
    m = await mount({ ws, noColor: true }, { columns: 100, rows: 30 });
    const [l1, l2] = m.frame().split('\n');
    expect(l1).toContain('PAPER');
    expect(l1).toContain('HALTED  reconcile: venue position differs (XRPUSDT)');
    expect(l2).toContain('md DOWN');
    expect(l2).toContain('user n/a');
    expect(l2).toContain('clock -1.3s');
    expect(l2).toContain('rate PAUSED 12s');
    expect(l2).toContain('day -88.10');
    // At 80 columns the least important pieces (engine clock, a missing user stream) give way.
    await m.resize(80, 24);
    const [n1, n2] = m.frame().split('\n');
    expect(n1).toContain('HALTED  reconcile: venue position differs (XRPUSDT)');
    expect(n2).toContain('md DOWN  clock -1.3s  rate PAUSED 12s');
  });

  it('says when the engine set the state itself (a confirmed resume is needed), not when the operator did', async () => {
    const ws = new FakeWorkstation();
    ws.current = { ...ws.current, status: { ...ws.current.status, state: 'PAUSED', stateReason: 'reconcile: XRPUSDT position differs', stateSetByEngine: true } };
    expect((await show('1', ws)).split('\n')[0]).toContain('PAUSED  by engine  reconcile: XRPUSDT position differs');
    ws.setStatus({ stateReason: 'operator pause: news', stateSetByEngine: false });
    await new Promise((r) => setTimeout(r, 300));
    expect(m?.lines()[0]).toContain('PAUSED  operator pause: news');
    expect(m?.lines()[0]).not.toContain('by engine');
  });

  it('shows a strategy fault before the reason, and keeps it when the room runs out', async () => {
    const ws = new FakeWorkstation();
    const fault = { strategy: 'mean-reversion', handler: 'onBar', message: "TypeError: cannot read 'close' of undefined", ts: ws.current.status.now };
    ws.current = {
      ...ws.current,
      status: { ...ws.current.status, strategy: 'mean-reversion', state: 'PAUSED', stateReason: 'strategy mean-reversion faulted in onBar', stateSetByEngine: true, faults: [fault] },
    };
    m = await mount({ ws, noColor: true }, { columns: 200, rows: 30 });
    expect(m.lines()[0]).toContain("PAUSED  by engine  FAULTED mean-reversion: onBar threw TypeError: cannot read 'close' of undefined  strategy mean-reversion faulted in onBar");
    // At 80 columns the reason goes first; the fault stays (shortened) with the state.
    await m.resize(80, 24);
    const l1 = m.lines()[0] ?? '';
    expect(l1).toMatch(/PAUSED {2}by engine {2}FAULTED mean-reversion: onBar threw .*…$/);
    expect(l1).not.toContain('faulted in onBar');
    ws.setStatus({ faults: [fault, { ...fault, strategy: 'sma-cross' }] });
    await new Promise((r) => setTimeout(r, 300));
    expect(m.lines()[0]).toContain('FAULTED mean-reversion (+1 more): on');
  });

  it('shows a stale feed', async () => {
    const ws = new FakeWorkstation();
    ws.current = { ...ws.current, status: { ...ws.current.status, marketData: 'stale' } };
    expect((await show('1', ws)).split('\n')[1]).toContain('md STALE  user up');
  });

  it('shows REDUCE-ONLY and PAUSED', async () => {
    const ws = new FakeWorkstation();
    ws.current = { ...ws.current, status: { ...ws.current.status, state: 'REDUCE-ONLY', stateReason: 'daily loss limit' } };
    expect(await show('1', ws)).toContain('REDUCE-ONLY  daily loss limit');
  });
});

describe('panes', () => {
  it('1 positions: size, entry, mark, unrealized, realized, funding, totals', async () => {
    const f = await show('1');
    expect(f).toContain('1 Positions · 2 open · uPnL +94.13');
    expect(f).toMatch(/BTCUSDT │ +\+0\.25 │ 95,812\.4 │ 96,120\.5 │ +\+77\.03 │ +\+41\.20 │ +-3\.87 │/);
    expect(f).toMatch(/XRPUSDT │ +-1,500 │ +1\.1532 │ +1\.1418 │ +\+17\.10 │ +-8\.40 │ +\+1\.12 │/);
    expect(f).toContain('total uPnL +94.13  rPnL +32.80  funding -2.75');
  });

  it('2 orders: symbol, side, type, size, filled, price, status (ids and ages where there is room)', async () => {
    const f = await show('2');
    expect(f).toContain('2 Open orders · 4 open');
    expect(f).toMatch(/BTCUSDT │ sell │ limit +│ +0\.25 │ +0 │ 97,500\.0 │ open/);
    expect(f).toMatch(/BTCUSDT │ buy +│ limit +│ +0\.1 │ +0\.04 │ 95,000\.0 │ partially_filled/);
    expect(f).toMatch(/XRPUSDT │ sell │ market │ +500 │ +0 │ +market │ submitted/);
    m?.unmount();
    m = await mount({ ws: new FakeWorkstation(), noColor: true }, { columns: 200, rows: 50 });
    expect(m.frame()).toMatch(/P-sma-cross-000141 │ BTCUSDT .* 12m34s │/);
  });

  it('3 diffs: id, severity (waiting for a choice first, then critical first), symbol, message, resolution', async () => {
    const f = await show('3');
    expect(f).toContain('3 Reconciliation · 1 waiting for you · 1 critical · 1 warn · 1 info');
    const rows = f.split('\n').filter((l) => /│ (CRIT|warn|info) /.test(l));
    // At 80 columns the kind leads the message; the waiting diff is selected (">").
    expect(rows[0]).toMatch(/^│ >d2 │ CRIT │ XRPUSDT │ position-mismatch: venue shows -… │ ASK adopt\|flatten │$/);
    expect(rows[1]).toMatch(/^│  d1 │ warn │ BTCUSDT │ unknown-order: venue order 83897… │ adopted +│$/);
    expect(rows[2]).toMatch(/^│  d3 │ info │ +│ fee-drift: taker fee/);
    m?.unmount();
    m = await mount({ ws: new FakeWorkstation(), noColor: true }, { columns: 200, rows: 50 });
    expect(m.frame()).toMatch(/│ +d2 │ CRIT │ position-mismatch │ XRPUSDT │ venue shows -2,000 XRPUSDT, loc.* │ ASK adopt\|flatten │ 13:40:07 │/);
  });

  it('4 funding: paid/received, next time and rate, estimate on the position', async () => {
    const f = await show('4');
    expect(f).toContain('4 Funding · net -2.75 USDT');
    expect(f).toMatch(/BTCUSDT │ -3\.87 paid │ +2h18m │ 16:00:00 +│ \+0\.0100% │ +-2\.40 │/);
    expect(f).toMatch(/XRPUSDT │ \+1\.12 recv │ +2h18m │ 16:00:00 +│ \+0\.0087% │ +\+0\.15 │/);
  });

  it('5 latency: p50/p90/p99 per metric and a sparkline of recent samples', async () => {
    const f = await show('5');
    expect(f).toMatch(/submit->ack │ +24 │ +49 │ +121 │ +412 │ [▁▂▃▄▅▆▇█]{20,}/);
    expect(f).toMatch(/ack->fill +│ +180 │ +950 │ +4,200 │ +96 │ [▁▂▃▄▅▆▇█]+/);
    expect(f).toMatch(/cancel->ack │ +22 │ +41 │ +98 │/);
    expect(f).toMatch(/feed lag +│ +3\.2 │ +8\.9 │ +32 │ 120,000 │/);
  });

  it('6 divergence: fills, PnL, slippage vs model, funding, note', async () => {
    const f = await show('6');
    expect(f).toContain('6 Live vs backtest · PnL gap -13.67 · slippage +1.8 bps');
    expect(f).toMatch(/fills +│ +14 │ +15 │ +-1 │/);
    expect(f).toMatch(/PnL +│ +\+118\.23 │ +\+131\.90 │ +-13\.67 │/);
    expect(f).toMatch(/slip vs model +│ \+1\.8 bps │ +model │/);
    expect(f).toMatch(/funding +│ +-2\.75 │/);
    expect(f).toContain('note: one backtest fill at 09:12 has no live counterpart (queue position)');
  });

  it('6 divergence: the signal match rate (a row where there is room), and the guards crossed', async () => {
    const f = await show('6');
    expect(f).toContain('· signals 86% match');
    expect(f).not.toContain('guard:');
    // With the room for it (a taller pane), the signals row: decisions live, in the backtest, matched.
    const tall = render(<DivergencePane snap={new FakeWorkstation().current} width={80} height={12} />);
    expect(tall.lastFrame()).toMatch(/signals +│ +20 │ +21 │ +19 match \(86\.4%\) │/);
    expect(tall.lastFrame()).toContain('note: one backtest fill');
    tall.unmount();
    const ws = new FakeWorkstation();
    ws.current = { ...ws.current, divergence: { ...ws.current.divergence, guards: ['signals diverge from the backtest: 19 of 22 decisions match (86.36%; 3 mismatched, 2 allowed)'] } };
    const g = await show('6', ws);
    expect(g).toContain('· 1 guard crossed');
    expect(g).toContain('guard: signals diverge from the backtest: 19 of 22 decisions match');
  });

  it('6 divergence: the expectation band, where the live round trips fall among the backtest round trips, within or OUTSIDE', async () => {
    const ws = new FakeWorkstation();
    const band = { low: -40.5, high: 120.25, live: 118.23, percentile: 93.4, within: true, trades: 9 };
    ws.current = { ...ws.current, divergence: { ...ws.current.divergence, band } };
    const tall = render(<DivergencePane snap={ws.current} width={80} height={14} />);
    expect(tall.lastFrame()).toMatch(/band 5-95% +│ +p93 │ +-40\.50\.\.\+120\.25 │ +within │/);
    tall.unmount();
    expect(await show('6', ws)).toContain('· in band p93');
    ws.current = { ...ws.current, divergence: { ...ws.current.divergence, band: { ...band, live: 130, percentile: 100, within: false } } };
    expect(await show('6', ws)).toContain('· OUTSIDE band p100');
    const out = render(<DivergencePane snap={ws.current} width={80} height={14} />);
    expect(out.lastFrame()).toMatch(/band 5-95% +│ +p100 │ +-40\.50\.\.\+120\.25 │ +OUTSIDE │/);
    out.unmount();
  });

  it('6 divergence says "not available" with the reason when it is off', async () => {
    const ws = new FakeWorkstation();
    ws.current = { ...ws.current, divergence: { ...ws.current.divergence, available: false, note: 'no backtest replay in live mode yet' } };
    const f = await show('6', ws);
    expect(f).toContain('not available: no backtest replay in live mode yet');
    expect(f).not.toContain('slip vs model');
  });

  it('7 equity: a braille chart with its range, change and time span', async () => {
    const f = await show('7');
    expect(f).toContain('10,234.56 USDT  change +234.56 (+2.35%)  max drawdown');
    expect(f).toMatch(/[\u2801-\u28ff]/);
    expect(f).toMatch(/^10,000 /m);
    expect(f).toMatch(/12-12 11:42 +12-12 13:41/);
  });

  it('8 events: most recent last, levels marked, audit entries visible', async () => {
    const f = await show('8');
    const lines = f.split('\n').filter((l) => /^\d\d:\d\d:\d\d /.test(l));
    expect(lines[0]).toBe('12:41:07 info  connected to binanceusdm user stream');
    expect(lines).toContain('12:51:07 AUDIT operator pause: CPI print at 13:30');
    expect(lines).toContain('13:31:07 ERROR order P-mean-rev-000075 rejected: -2019 margin is insufficient');
    expect(lines[lines.length - 1]).toBe('13:40:07 WARN  reconcile: 1 critical diff (XRPUSDT position)');
  });

  it('the event log stays in view under the other panes at 80x24', async () => {
    const f = await show('4');
    expect(f).toContain('8 Events · 8 events · 1 errors');
    expect(f).toContain('13:40:07 WARN  reconcile: 1 critical diff (XRPUSDT position)');
  });

  it('says so when there is nothing to list', async () => {
    const empty = { ...sampleSnapshot(), positions: [], orders: [], diffs: [], funding: [], events: [], equity: { times: [], values: [] } };
    const texts: Record<string, string> = {
      '1': 'no positions',
      '2': 'no open orders',
      '3': 'no differences: local books match the venue',
      '4': 'no funding',
      '7': 'no equity samples yet',
      '8': 'no events yet',
    };
    for (const [key, text] of Object.entries(texts)) {
      expect(await show(key, new FakeWorkstation(empty))).toContain(text);
      m?.unmount();
    }
  });

  it('summarizes rows that do not fit', async () => {
    const snap = sampleSnapshot();
    const base = snap.orders[0];
    if (base === undefined) throw new Error('sample has orders');
    const orders = Array.from({ length: 40 }, (_, i) => ({ ...base, id: `P-sma-cross-${String(i).padStart(6, '0')}` }));
    const f = await show('2', new FakeWorkstation({ ...snap, orders }));
    expect(f).toMatch(/… \d+ more orders \(a taller terminal shows more\)/);
  });

  it('shows new data after the engine notifies', async () => {
    const ws = new FakeWorkstation();
    m = await mount({ ws, noColor: true });
    ws.setStatus({ equity: 10_500.25, dailyPnl: 389.14 });
    await new Promise((r) => setTimeout(r, 300));
    expect(m.frame()).toContain('equity 10,500.25 USDT  day +389.14');
  });
});
