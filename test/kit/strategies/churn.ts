/**
 * churn: a strategy that trades on every bar, for fault and crash tests: flips between flat and
 * long with market orders, and keeps one resting limit order a little below the market, replacing
 * it each bar (cancel + new), so submits, fills, partial fills and cancels all happen constantly.
 *
 * Per bar and symbol it sends at most ONE market order and ONE limit order: the crash harness
 * relies on that to find a bar acted on twice. `notional` (quote currency, 0 = off) sizes every
 * order at that value instead of `size` units, so one run can trade BTCUSDT and XRPUSDT. `ledger`
 * (a file path, '' = off) records every decision before the engine sees it: one JSON line
 * `{id, symbol, bar, side, type, qty}` per submit, `bar` being the deciding bar's open time. It is
 * written synchronously (the page cache keeps it through a SIGKILL) and outside the engine's
 * state on purpose: it must survive exactly what the journal and snapshots may lose. Only the
 * first instance in a process writes it: a session also runs a shadow backtest of the same
 * strategy (src/workstation/divergence.ts), built after the live strategy is added to the kernel.
 * Should that order change, the live orders would be missing from the ledger and the crash harness
 * would fail loudly ("never decided"), not pass.
 */
import { appendFileSync } from 'node:fs';
import { defineStrategy, type Bar, type ClientOrderId, type OrderRequest } from '../../../src/engine/index.ts';

/** One line of the decision ledger. */
export interface Decision {
  readonly id: string;
  readonly symbol: string;
  /** Open time of the bar the decision was made on, epoch ms. */
  readonly bar: number;
  readonly side: 'buy' | 'sell';
  readonly type: 'market' | 'limit';
  readonly qty: number;
  /** The session process that decided. */
  readonly pid: number;
}

let instances = 0;

export default defineStrategy({
  name: 'churn',
  params: { size: 50, notional: 0, offset: 0.002, ledger: '' },
  create(ctx) {
    const resting = new Map<string, ClientOrderId>();
    const ledger = instances++ === 0 ? ctx.params.ledger : '';
    const submit = (bar: Bar, req: OrderRequest): ClientOrderId => {
      const id = ctx.submit(req);
      if (ledger !== '') {
        const d: Decision = { id, symbol: bar.symbol, bar: bar.tsEvent, side: req.side, type: req.price === undefined ? 'market' : 'limit', qty: req.qty, pid: process.pid };
        appendFileSync(ledger, `${JSON.stringify(d)}\n`);
      }
      return id;
    };
    return {
      onBar(bar: Bar) {
        const last = resting.get(bar.symbol);
        if (last !== undefined && ctx.openOrders(bar.symbol).some((o) => o.clientOrderId === last)) ctx.cancel(last);
        resting.delete(bar.symbol);
        const size = ctx.params.notional > 0 ? ctx.params.notional / bar.close : ctx.params.size;
        const pending = ctx.openOrders(bar.symbol).some((o) => o.orderType === 'market');
        const held = ctx.portfolio.position(bar.symbol).qty;
        if (!pending) {
          if (held <= 0) submit(bar, { symbol: bar.symbol, side: 'buy', qty: size });
          else submit(bar, { symbol: bar.symbol, side: 'sell', qty: held, reduceOnly: true });
        }
        resting.set(bar.symbol, submit(bar, { symbol: bar.symbol, side: 'buy', qty: size, price: bar.close * (1 - ctx.params.offset) }));
      },
    };
  },
});
