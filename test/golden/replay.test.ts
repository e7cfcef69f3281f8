/**
 * Golden: a run saved, reloaded and replayed equals the uninterrupted run. mean-reversion trades a
 * week of real BTCUSDT minutes on the simulated venue with its default models (latency, partial
 * fills, modifies, cancels), every message journaled through the real state directory, with
 * snapshots taken along the way. At many points the state is rebuilt from the directory, as a
 * restart does (the newest snapshot plus the journal after it, replayed), and must equal the books
 * the running engine had at that point exactly: every order, the exact ledger, id sequences,
 * funding ids, trading state and the day's reference. And the same from the journal alone.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { restoredState } from '../../src/cli/run/restore.ts';
import { loadCandles, resolveInstrument, sliceRange } from '../../src/data/index.ts';
import { BarFeed, createRng, fromNumber, initialState, Kernel, replay, resolveParams, SimClock, stepData, symbol, type EngineState, type LoggedMessage } from '../../src/engine/index.ts';
import { DEFAULT_MODELS, SimulatedVenue } from '../../src/paper/index.ts';
import { openStateDir } from '../../src/persistence/state-dir.ts';
import meanReversion from '../../strategies/mean-reversion.ts';

const SYM = symbol('BTCUSDT');
const series = loadCandles('data/binance-btcusdt-spot-1m-2024-12/BTCUSDT-1m-2024-12.csv', SYM).series;
const inst = resolveInstrument('BTCUSDT', 'spot', 0.01);

/** The books as a restart must rebuild them (strategy state is the strategy's own, saved only in snapshots). */
const books = (s: EngineState): Omit<EngineState, 'strategies'> => {
  const { strategies: _s, ...rest } = JSON.parse(JSON.stringify(s)) as EngineState; // as written: absent and undefined are one
  return { ...rest, orders: [...rest.orders].sort((a, b) => (a.clientOrderId < b.clientOrderId ? -1 : 1)) };
};

describe('golden: saved, reloaded and replayed equals the uninterrupted run', () => {
  it("at every checkpoint, the state rebuilt from the state directory equals the running engine's", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'parity-golden-'));
    const sd = openStateDir(dir, { fsync: 'none' });
    const clock = new SimClock(0);
    const cash = fromNumber(100_000);
    const account = { instruments: [inst], currency: 'USDT', startingCash: cash, accountType: 'cash' as const, leverage: 1, limits: {} };
    const all: LoggedMessage[] = [];
    const journal = sd.journal.sink((err) => {
      throw err;
    });
    journal({ k: 'start', at: 0, mode: 'paper', venue: 'golden', startingCash: '100000' });
    const kernel = new Kernel({ clock, ...account, onMessage: (m) => (journal({ k: 'm', m }), all.push(m)) });
    const venue = new SimulatedVenue({ ...account, clock, rng: createRng(7), models: DEFAULT_MODELS });
    kernel.attachVenue(venue);
    kernel.addStrategy({ definition: meanReversion, params: resolveParams(meanReversion, { size: 0.05, k: 1.5 }), symbols: [SYM] });
    kernel.start();
    const { from, to } = sliceRange(series, Date.UTC(2024, 11, 2), Date.UTC(2024, 11, 9));
    const feed = new BarFeed(series, from, to);
    const step = (): void => {
      const bar = feed.next();
      clock.advanceTo(bar.tsInit);
      kernel.fireTimers(clock.now());
      stepData(kernel, venue, bar);
    };
    const checkpoints: { state: EngineState; seen: number }[] = [];
    for (let n = 1; feed.peekTime() !== Infinity; n++) {
      step();
      if (n % 1500 === 0) {
        // A snapshot now, then more trading; the checkpoint is where the books are when a restart would look.
        await sd.snapshot(kernel.books.capture(), clock.now());
        for (let j = 0; j < 300 && feed.peekTime() !== Infinity; j++) step();
        await sd.journal.flush();
        checkpoints.push({ state: kernel.books.capture(), seen: all.length });
      }
    }
    await sd.journal.flush();
    const final = kernel.books.capture();
    await sd.close();
    const fills = all.filter((m) => m.type === 'OrderFilled').length;
    expect(fills).toBeGreaterThan(50); // it traded: partial fills, modifies and cancels in the journal
    expect(all.some((m) => m.type === 'OrderPendingUpdate')).toBe(true);
    expect(checkpoints.length).toBeGreaterThanOrEqual(4);

    // The last checkpoint through the real restart path: newest snapshot + the journal after it.
    const rec = openStateDir(dir);
    const rebuilt = restoredState(rec.recovered, [inst], 'USDT', fromNumber(1)) as EngineState;
    await rec.close();
    expect(books(rebuilt)).toEqual(books(final));
    expect(rebuilt.strategies['mean-reversion']).toEqual(final.strategies['mean-reversion']); // the snapshot's strategy state came back

    // Every checkpoint from the journal alone (no snapshot): the same books, from the first entry.
    for (const c of [...checkpoints, { state: final, seen: all.length }]) {
      const fromJournal = replay(initialState('USDT', '100000'), all.slice(0, c.seen), () => inst.qtyDecimals);
      expect(books(fromJournal)).toEqual(books(c.state));
    }
  }, 120_000);
});
