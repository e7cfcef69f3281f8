/**
 * Operator resume and the guard holds: a loss-limit hold is not lifted by a plain resume (refused,
 * nothing changes), only by a confirmed resume with a reason, which is audited and journaled (the
 * drawdown then counts from the equity at that moment); a stale-feed hold is not the operator's to
 * lift and stays.
 */
import { describe, expect, it } from 'vitest';
import { defineStrategy, fromNumber, Kernel, makeBar, SimClock, tradeId, venueOrderId, type LoggedMessage, type StrategyContext } from '../../src/engine/index.ts';
import { OperatorDesk } from '../../src/workstation/operator.ts';
import { engineStatus } from '../../src/workstation/session-workstation.ts';
import { BTC, RecordingVenue } from '../kit/factories.ts';

function setup() {
  const clock = new SimClock(60_000);
  const log: LoggedMessage[] = [];
  const kernel = new Kernel({
    clock,
    instruments: [BTC],
    currency: 'USDT',
    startingCash: fromNumber(10_000),
    accountType: 'margin',
    leverage: 5,
    lossLimits: { maxDrawdownPct: 5, drawdownAction: 'halt' },
    onMessage: (m) => log.push(m),
  });
  kernel.attachVenue(new RecordingVenue());
  let ctx: StrategyContext | undefined;
  kernel.addStrategy({ definition: defineStrategy({ name: 's', params: {}, create: (c) => ((ctx = c), {}) }), params: {}, symbols: [BTC.symbol] });
  kernel.start();
  const price = (px: number): void => {
    clock.advanceTo(clock.now() + 60_000);
    kernel.onData(makeBar(BTC.symbol, 60_000, clock.now() - 60_000, px, px, px, px, 1));
    kernel.drain();
  };
  const desk = new OperatorDesk({
    kernel,
    symbols: [BTC.symbol],
    context: () => undefined,
    wake: () => kernel.drain(),
    reconcile: () => Promise.resolve({ diffs: [], paused: false } as never),
    status: () => engineStatus(kernel, {}),
    diffs: { get: () => undefined, waiting: () => [], adopt: () => Promise.resolve({ ok: true, message: '' }), adoptFor: () => Promise.resolve(), resolved: () => undefined },
    quit: () => Promise.resolve(),
    log: () => undefined,
  });
  price(100_000);
  const id = (ctx as StrategyContext).submit({ symbol: BTC.symbol, side: 'buy', qty: 0.4 });
  kernel.drain();
  kernel.venueSink({
    type: 'OrderFilled',
    clientOrderId: id,
    symbol: BTC.symbol,
    venueOrderId: venueOrderId('v1'),
    tradeId: tradeId('t1'),
    side: 'buy',
    lastQty: 0.4,
    lastPx: 100_000,
    fee: '0',
    liquidity: 'taker',
    tsEvent: clock.now(),
    tsInit: clock.now(),
  });
  kernel.drain();
  return { kernel, log, price, desk };
}

describe('resume and loss-limit holds', () => {
  it('a plain resume is refused; a confirmed resume with a reason lifts the hold, audited, and the drawdown counts from then', async () => {
    const { kernel, log, price, desk } = setup();
    price(98_500); // 0.4 x -1,500 = -600 on 10,000: 6% under the peak
    expect(kernel.tradingState).toBe('halted');
    expect(engineStatus(kernel, {})).toMatchObject({ state: 'HALTED', setByEngine: true, reason: expect.stringMatching(/^drawdown limit reached/) });
    const refused = await desk.send({ type: 'resume', reason: 'looked at it' }, 'ctl');
    expect(refused).toMatchObject({ ok: false, message: expect.stringMatching(/not resumed: trading is HALTED \(set by the engine: drawdown limit reached.*--confirm/) });
    expect(kernel.holds.get('loss-limit:drawdown')).toBeDefined();
    kernel.setHold('feed:stale:BTCUSDT', 'reduce-only', 'BTCUSDT feed STALE');
    const ok = await desk.send({ type: 'resume', reason: 'loss accepted, risk reviewed', confirmed: true }, 'ctl');
    expect(ok).toMatchObject({ ok: true, message: expect.stringMatching(/^resumed \(lifted loss-limit:drawdown\), but still REDUCE-ONLY: BTCUSDT feed STALE/) });
    expect(kernel.holds.list().map((h) => h.source)).toEqual(['feed:stale:BTCUSDT']);
    const lifted = log.find((m) => m.type === 'HoldLifted');
    expect(lifted).toMatchObject({ source: 'loss-limit:drawdown', reason: 'operator resume (confirmed): loss accepted, risk reviewed' });
    expect(log.filter((m) => m.type === 'OperatorAction').map((m) => (m.type === 'OperatorAction' ? `${m.action}/${m.source}/${m.refused ?? 'ok'}` : ''))).toEqual([
      'resume/ctl/ok',
      expect.stringMatching(/^resume\/ctl\/not resumed/),
      'resume/ctl/ok',
    ]);
    // The peak moved to the equity at the lift: a further 2% slide does not fire again.
    price(98_000);
    expect(kernel.holds.get('loss-limit:drawdown')).toBeUndefined();
    kernel.liftHold('feed:stale:BTCUSDT', 'data again');
    expect(kernel.tradingState).toBe('active');
  });
});
