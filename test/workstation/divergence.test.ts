/**
 * Divergence is measured, not assumed: in paper mode the live path and the shadow backtest run the
 * same simulator on the same data, so with deterministic models (no random latency) they must
 * agree exactly: same fills, same PnL. Any gap shown in live mode is then the venue's doing.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSession } from '../../src/cli/run/session.ts';
import { buildRunSpec } from '../../src/cli/run/spec.ts';
import { nodeScheduler } from '../../src/cli/node-scheduler.ts';
import { startLocalExchange, type LocalExchange } from '../../src/local-exchange/index.ts';
import { SlippageTally } from '../../src/workstation/divergence.ts';

const CHURN = fileURLToPath(new URL('../kit/strategies/churn.ts', import.meta.url));
const settle = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
let lx: LocalExchange;

beforeAll(async () => {
  lx = await startLocalExchange({ mode: 'manual', warmupBars: 50 });
});
afterAll(async () => lx.close());

/**
 * A paper session of churn against the local exchange, 12 bars, with `risk` over the order-rate
 * limits this needs (12 bars in under a second of wall time: the live path's order-rate window runs
 * on the wall clock, the shadow's on bar time, so the default 20 orders a second would refuse live
 * orders only); `check` sees it before it stops.
 */
async function paperSession(risk: Record<string, unknown>, check: (s: Awaited<ReturnType<typeof startSession>>) => void): Promise<void> {
  const flags = {
    stateDir: mkdtempSync(join(tmpdir(), 'parity-div-')),
    mode: 'paper',
    exchange: 'local',
    exchangeUrl: lx.url,
    symbol: ['XRPUSDT'],
    strategy: CHURN,
    timeframe: '5m',
    warmup: 10,
    feed: 'bars',
    latency: '0',
    leverage: 5,
  };
  const spec = buildRunSpec(flags, { risk: { maxOrdersPerSecond: 10_000, maxOrdersPerMinute: 100_000, ...risk } });
  const s = await startSession(spec, { log: () => undefined }, { scheduler: nodeScheduler, env: {} });
  try {
    await settle(150);
    for (let i = 0; i < 12; i++) {
      lx.advance(300_000);
      await settle(60);
    }
    check(s);
  } finally {
    await s.stop('test done');
  }
}

describe('divergence', () => {
  it(
    'paper trading and the shadow backtest agree exactly on the same data',
    () =>
      paperSession({}, (s) => {
        const d = s.workstation.snapshot().divergence;
        expect(d.available).toBe(true);
        expect(d.liveFills).toBeGreaterThan(5);
        expect(d.backtestFills).toBe(d.liveFills);
        expect(d.livePnl).toBeCloseTo(d.backtestPnl, 8);
        expect(d.slippageVsModelBps).toBeCloseTo(0, 8);
        // The expectation band: the shadow's round trips bootstrapped, the live sum placed among them;
        // the same fills on both sides put live inside it.
        const b = d.band;
        expect(b).toBeDefined();
        expect(b?.trades).toBeGreaterThanOrEqual(2);
        expect(Math.abs(b?.live ?? 0)).toBeGreaterThan(0); // the live round trips are counted
        expect(b?.low).toBeLessThanOrEqual(b?.high ?? NaN);
        expect(b?.within).toBe(true);
        expect(b?.percentile).toBeGreaterThan(0);
        expect(b?.percentile).toBeLessThan(100);
        expect(s.workstation.snapshot().divergence.band).toEqual(b); // not re-drawn between refreshes
      }),
    30_000,
  );

  it(
    'the shadow backtest keeps the loss limits the live session keeps: a drawdown halt stops both at the same fill',
    () =>
      // The first dip under the equity peak crosses a 0.000001% drawdown: halt, no more orders.
      paperSession({ maxDrawdownPct: 0.000001, drawdownAction: 'halt' }, (s) => {
        const d = s.workstation.snapshot().divergence;
        expect(s.workstation.snapshot().status.state).toBe('HALTED');
        expect(d.liveFills).toBeGreaterThan(0);
        // Without the limits the shadow would trade on after the live halt (churn orders every bar).
        expect(d.backtestFills).toBe(d.liveFills);
        expect(d.backtestPnl).toBeCloseTo(d.livePnl, 8);
      }),
    30_000,
  );

  it('slippage is signed against the side: paying up on a buy and selling lower both count as positive', () => {
    let last = 100;
    const t = new SlippageTally(() => last);
    const sub = (id: string, side: 'buy' | 'sell') =>
      t.onMessage({
        type: 'SubmitOrder',
        strategyId: 's' as never,
        clientOrderId: id as never,
        symbol: 'X' as never,
        side,
        orderType: 'market',
        qty: 1,
        timeInForce: 'ioc',
        postOnly: false,
        reduceOnly: false,
        tsInit: 0,
      });
    const fill = (id: string, side: 'buy' | 'sell', px: number) =>
      t.onMessage({
        type: 'OrderFilled',
        clientOrderId: id as never,
        symbol: 'X' as never,
        side,
        lastPx: px,
        lastQty: 1,
        fee: '0',
        liquidity: 'taker',
        tradeId: id,
        venueOrderId: id,
        tsEvent: 0,
        tsInit: 0,
      } as never);
    sub('a', 'buy');
    fill('a', 'buy', 100.1); // +10 bps
    last = 200;
    sub('b', 'sell');
    fill('b', 'sell', 199.6); // +20 bps
    expect(t.fills).toBe(2);
    expect(t.meanBps).toBeCloseTo(15, 9);
  });
});
