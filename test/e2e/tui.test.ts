/**
 * The real `parity run` binary on its screen, in tmux at 80x24, trading the local exchange live
 * (ccxt's real code on loopback). Keys are pressed as a trader would; the outcome is checked on
 * the exchange itself, not on what Parity says.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { LocalExchange, LocalExchangeEvent, LocalExchangeOptions } from '../../src/local-exchange/index.ts';
import { ROOT } from '../kit/cli.ts';
import { auditTrail, BAR, drillExchange, isOpen, jsonLines, sleep, subscribed, until, venueOpenOrders, venueOrder, venuePosition, type LogRecord } from '../kit/drill.ts';
import { barsWithNoOrder, MANUAL_ORDER, pauseOnUnknownOrderConfig, pauseWhileResting, placeManualOrder, QUIET_THEN_FALL, tradesAgain, type DrillSession } from '../kit/drills.ts';
import { Tmux } from '../kit/tmux.ts';

/** Start-up (build the session, connect, reconcile, warm up) on a loaded 2-core machine can take 30 s. */
const START_MS = 40_000;

let lx: LocalExchange | undefined;
let events: LocalExchangeEvent[] = [];
let term: Tmux | undefined;

async function exchange(opts: LocalExchangeOptions = {}): Promise<LocalExchange> {
  ({ lx, events } = await drillExchange(opts));
  return lx;
}

/** Parity on a tmux screen; its JSON log is `<state dir>/parity.log` while the screen is up. */
function parityOnScreen(ex: LocalExchange, strategy: string, opts: { cols?: number; rows?: number; config?: string } = {}): Tmux & DrillSession {
  const stateDir = mkdtempSync(join(tmpdir(), 'parity-tui-'));
  const config = opts.config === undefined ? '' : ` --config ${opts.config}`;
  const cmd = `cd ${ROOT} && node bin/parity.js run --mode live --exchange local --exchange-url ${ex.url} --symbol XRPUSDT --timeframe 5m --strategy test/kit/strategies/${strategy}.ts --warmup 0 --feed bars,quotes --leverage 5 --state-dir ${stateDir}${config}`;
  const t = new Tmux(cmd, opts.cols ?? 80, opts.rows ?? 24, { NO_COLOR: '1' });
  term = t;
  return Object.assign(t, { logs: (): LogRecord[] => jsonLines(join(stateDir, 'parity.log')), detail: () => t.screen() });
}

async function bars(ex: LocalExchange, n: number, gap = 250): Promise<void> {
  for (let i = 0; i < n; i++) {
    ex.advance(BAR);
    await sleep(gap);
  }
}

afterEach(async () => {
  term?.kill();
  term = undefined;
  await lx?.close();
  lx = undefined;
});

describe('the workstation in a terminal (tmux, 80x24)', () => {
  it('flatten: f, y, then a reason and Enter in one burst -> no position and no open order left on the exchange', async () => {
    const ex = await exchange();
    const t = parityOnScreen(ex, 'holder');
    await t.waitFor(/RUNNING/, START_MS);
    await bars(ex, 2);
    await until(() => venuePosition(ex) === 100 && venueOpenOrders(ex) === 1, 'the holder position and its resting order', { detail: () => t.screen() });
    await t.waitFor(/XRPUSDT\s+│\s+\+?100/);
    t.keys('f');
    await t.waitFor(/FLATTEN: cancel all orders and close 1 position/);
    t.keys('y');
    await t.waitFor(/reason/i);
    // The reason and Enter in one send-keys arrive as one burst, as over SSH or from tmux scripts.
    t.burst('end of test', 'Enter');
    await until(() => venuePosition(ex) === 0 && venueOpenOrders(ex) === 0, 'the exchange to be flat', { detail: () => t.screen() });
    const screen = await t.waitFor(/PAUSED/);
    expect(screen).toMatch(/PAUSED/);
    expect(ex.state().orders.some((o) => o.clientOrderId.startsWith('P-operator-') && o.reduceOnly)).toBe(true);
  }, 100_000);

  it('pause: p stops new entries at the exchange; q then quits (confirming open positions)', async () => {
    const ex = await exchange();
    const t = parityOnScreen(ex, 'churn');
    await t.waitFor(/RUNNING/, START_MS);
    await bars(ex, 3);
    await until(() => ex.state().orders.length > 3, 'churn to trade', { detail: () => t.screen() });
    t.keys('p');
    await t.waitFor(/PAUSED/);
    const before = ex.state().orders.length;
    await bars(ex, 4);
    expect(
      ex
        .state()
        .orders.slice(before)
        .filter((o) => o.side === 'BUY'),
    ).toEqual([]);
    t.keys('q');
    if (venuePosition(ex) !== 0) {
      await t.waitFor(/QUIT with 1 position still open/);
      t.keys('y');
    }
    await until(() => t.exitStatus() !== undefined, 'parity to exit', { detail: () => t.screen() });
    expect(t.exitStatus()).toBe(0);
  }, 100_000);

  it('pause while a resting entry rests: p cancels it at the exchange, and a market falling through every level it had fills nothing', async () => {
    const ex = await exchange({ warmupBars: QUIET_THEN_FALL });
    const t = parityOnScreen(ex, 'stalker');
    await t.waitFor(/RUNNING/, START_MS);
    await subscribed(ex);
    await pauseWhileResting(ex, events, t, async () => {
      t.keys('p');
      await t.waitFor(/PAUSED/);
    });
    expect(auditTrail(t.logs())).toEqual(['pause/tui/operator pause']);
  }, 100_000);

  it('halt, then p: asks naming HALTED; n keeps the halt (nothing reaches the exchange); p, y, a reason resumes and the strategy trades again', async () => {
    const ex = await exchange();
    const t = parityOnScreen(ex, 'stalker');
    await t.waitFor(/RUNNING/, START_MS);
    await subscribed(ex);
    await tradesAgain(ex, t);
    t.keys('h');
    await t.waitFor(/HALT: cancel all orders/);
    t.keys('y');
    t.burst('end of day', 'Enter');
    await t.waitFor(/HALTED/);
    await until(() => venueOpenOrders(ex) === 0, 'the halt to cancel every order at the exchange', { detail: () => t.screen() });
    // One key does not undo a halt: p asks first, and n keeps it.
    t.keys('p');
    await t.waitFor(/RESUME from HALTED \(operator halt: end of day\)\?/);
    t.keys('n');
    await t.waitFor(/resume canceled: nothing sent/);
    await barsWithNoOrder(ex, t, 3);
    expect(t.screen()).toMatch(/HALTED/);
    // p, y and a reason do.
    t.keys('p');
    await t.waitFor(/RESUME from HALTED/);
    t.keys('y');
    await t.waitFor(/reason/i);
    t.burst('checked the venue', 'Enter');
    await t.waitFor(/RUNNING/, START_MS);
    await tradesAgain(ex, t);
    expect(auditTrail(t.logs())).toEqual(['halt/tui/end of day', 'resume/tui/checked the venue']);
  }, 100_000);

  it('a diff that pauses: r finds an order placed by hand; 3, a, y, a reason adopts it (still open at the exchange); trading stays PAUSED until a confirmed resume', async () => {
    const ex = await exchange();
    const t = parityOnScreen(ex, 'holder', { config: pauseOnUnknownOrderConfig() });
    await t.waitFor(/RUNNING/, START_MS);
    await subscribed(ex);
    ex.advance(BAR);
    await until(() => venuePosition(ex) === 100 && venueOpenOrders(ex) === 1, 'the holder position and its resting order', { detail: () => t.screen() });
    await placeManualOrder(ex);
    t.keys('r');
    await t.waitFor(/PAUSED +by engine +paused by reconciliation: an outside order/);
    t.keys('3');
    const diffs = await t.waitFor(/>(r\d+).*ASK adopt\|flatten/);
    const id = />(r\d+)/.exec(diffs)?.[1] as string;
    t.keys('a');
    await t.waitFor(new RegExp(`ADOPT the venue's truth for ${id} \\(order_unknown XRPUSDT\\)\\?`));
    t.keys('y');
    await t.waitFor(/reason/i);
    t.burst('checked on the website', 'Enter');
    // The Diffs pane's own row says what was done; nothing waits any more.
    const resolved = await t.waitFor(new RegExp(`│ +${id} │ CRIT │ XRPUSDT │ order_unknown: .*│ adopted by the`));
    expect(resolved).not.toMatch(/ASK adopt|waiting for you/);
    t.keys('2');
    await t.waitFor(/manual_1 │ XRPUSDT │ sell │ limit │ +50 │ +0 │/);
    // At the exchange the order is untouched and the position kept; the pause canceled the holder's resting entry.
    expect(venueOrder(ex, MANUAL_ORDER)).toMatchObject({ status: 'NEW', executedQty: '0.0' });
    expect(venuePosition(ex)).toBe(100);
    expect(
      ex
        .state()
        .orders.filter(isOpen)
        .map((o) => o.clientOrderId),
    ).toEqual([MANUAL_ORDER]);
    // Adopted: looking again finds nothing; and the state the engine set needs a confirmed resume.
    t.keys('r');
    await t.waitFor(/reconciled: engine and venue agree/);
    expect(t.screen()).toMatch(/PAUSED/);
    t.keys('p');
    await t.waitFor(/RESUME from PAUSED, set by the engine/);
    t.keys('y');
    await t.waitFor(/reason/i);
    t.burst('adopted it', 'Enter');
    await t.waitFor(/RUNNING/, START_MS);
    expect(venueOrder(ex, MANUAL_ORDER)?.status).toBe('NEW');
    expect(auditTrail(t.logs())).toEqual(['reconcile/tui/operator reconcile', `resolve/tui/checked on the website`, 'reconcile/tui/operator reconcile', 'resume/tui/adopted it']);
  }, 100_000);

  it('a terminal too small says so and keeps running; the workstation comes back on resize', async () => {
    const ex = await exchange();
    const t = parityOnScreen(ex, 'holder', { cols: 60, rows: 16 });
    await t.waitFor(/too small \(60x16\).*still running/);
    await bars(ex, 2);
    await until(() => venuePosition(ex) === 100, 'the holder to trade while the screen is too small', { detail: () => t.screen() });
    t.resize(80, 24);
    await t.waitFor(/RUNNING[\s\S]*XRPUSDT/);
  }, 100_000);
});
