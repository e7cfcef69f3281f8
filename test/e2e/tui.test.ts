/**
 * The real `parity run` binary on its screen, in tmux at 80x24, trading the local exchange live
 * (ccxt's real code on loopback). Keys are pressed as a trader would; the outcome is checked on
 * the exchange itself, not on what Parity says.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startLocalExchange, type LocalExchange } from '../../src/local-exchange/index.ts';
import { ROOT } from '../kit/cli.ts';
import { Tmux } from '../kit/tmux.ts';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const BAR = 300_000;
let lx: LocalExchange;
let term: Tmux | undefined;

function parityOnScreen(strategy: string, cols = 80, rows = 24): Tmux {
  const stateDir = mkdtempSync(join(tmpdir(), 'parity-tui-'));
  const cmd = `cd ${ROOT} && node bin/parity.js run --mode live --exchange local --exchange-url ${lx.url} --symbol XRPUSDT --timeframe 5m --strategy test/kit/strategies/${strategy}.ts --warmup 0 --feed bars,quotes --leverage 5 --state-dir ${stateDir}`;
  return new Tmux(cmd, cols, rows, { NO_COLOR: '1' });
}

async function bars(n: number, gap = 250): Promise<void> {
  for (let i = 0; i < n; i++) {
    lx.advance(BAR);
    await sleep(gap);
  }
}

const venuePosition = (): number => Number(lx.state().positions.find((p) => p.symbol === 'XRPUSDT')?.qty ?? 0);
const venueOpenOrders = (): number => lx.state().orders.filter((o) => o.status === 'NEW' || o.status === 'PARTIALLY_FILLED').length;

async function until(check: () => boolean, what: string, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; screen:\n${term?.screen() ?? ''}`);
    await sleep(100);
  }
}

beforeEach(async () => {
  lx = await startLocalExchange({ mode: 'manual', startingBalance: 100_000, warmupBars: 50 });
});
afterEach(async () => {
  term?.kill();
  term = undefined;
  await lx.close();
});

describe('the workstation in a terminal (tmux, 80x24)', () => {
  it('flatten: f, y, then a reason and Enter in one burst -> no position and no open order left on the exchange', async () => {
    term = parityOnScreen('holder');
    await term.waitFor(/RUNNING/);
    await bars(2);
    await until(() => venuePosition() === 100 && venueOpenOrders() === 1, 'the holder position and its resting order');
    await term.waitFor(/XRPUSDT\s+│\s+\+?100/);
    term.keys('f');
    await term.waitFor(/FLATTEN: cancel all orders and close 1 position/);
    term.keys('y');
    await term.waitFor(/reason/i);
    // The reason and Enter in one send-keys arrive as one burst, as over SSH or from tmux scripts.
    term.burst('end of test', 'Enter');
    await until(() => venuePosition() === 0 && venueOpenOrders() === 0, 'the exchange to be flat');
    const screen = await term.waitFor(/PAUSED/);
    expect(screen).toMatch(/PAUSED/);
    expect(lx.state().orders.some((o) => o.clientOrderId.startsWith('P-operator-') && o.reduceOnly)).toBe(true);
  }, 60_000);

  it('pause: p stops new entries at the exchange; after a halt p asks first; q then quits (confirming open positions)', async () => {
    term = parityOnScreen('churn');
    await term.waitFor(/RUNNING/);
    await bars(3);
    await until(() => lx.state().orders.length > 3, 'churn to trade');
    term.keys('p');
    await term.waitFor(/PAUSED/);
    const before = lx.state().orders.length;
    await bars(4);
    expect(lx.state().orders.slice(before).filter((o) => o.side === 'BUY')).toEqual([]);
    // One key does not undo a halt: p asks first, and n keeps it.
    term.keys('h');
    await term.waitFor(/HALT: cancel all orders/);
    term.keys('y');
    term.burst('end of day', 'Enter');
    await term.waitFor(/HALTED/);
    term.keys('p');
    await term.waitFor(/RESUME from HALTED \(operator halt: end of day\)\?/);
    term.keys('n');
    await term.waitFor(/resume canceled: nothing sent/);
    expect(term.screen()).toMatch(/HALTED/);
    term.keys('q');
    if (venuePosition() !== 0) {
      await term.waitFor(/QUIT with 1 position still open/);
      term.keys('y');
    }
    await until(() => term?.exitStatus() !== undefined, 'parity to exit');
    expect(term.exitStatus()).toBe(0);
  }, 60_000);

  it('a terminal too small says so and keeps running; the workstation comes back on resize', async () => {
    term = parityOnScreen('holder', 60, 16);
    await term.waitFor(/too small \(60x16\).*still running/);
    await bars(2);
    await until(() => venuePosition() === 100, 'the holder to trade while the screen is too small');
    term.resize(80, 24);
    await term.waitFor(/RUNNING[\s\S]*XRPUSDT/);
  }, 60_000);
});
