/**
 * Taker orders in pieces (fills.takerPieces, what `parity calibrate` fits from a live session):
 * the pieces add up to the order on the lot grid, all at one price; the share of split orders and
 * the pieces per split order follow the model; without the model every taker fills in one piece.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeInstrument, symbol } from '../../src/engine/index.ts';
import { loadModelFile } from '../../src/cli/replay/model-file.ts';
import { DEFAULT_MODELS } from '../../src/paper/index.ts';
import { frictionless, venueUnderTest } from '../kit/venue.ts';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const INST = makeInstrument({ symbol: symbol('XRPUSDT'), tickSize: 0.0001, lotSize: 0.1 });

/** Fills per order of `orders` market orders of `qty` on one venue with `takerPieces`. */
function run(takerPieces: { share: number; pieces: number } | undefined, orders: number, qty: number, seed = 7) {
  const t = venueUnderTest(INST, frictionless({ fills: { maxParticipation: 1, ...(takerPieces === undefined ? {} : { takerPieces }) } }), { account: 'margin', cash: 1e12, seed });
  t.bar(0, 1, 1, 1, 1);
  for (let i = 0; i < orders; i++) t.venue.submit(t.order({ side: i % 2 === 0 ? 'buy' : 'sell', qty }));
  t.bar(1, 1, 1.01, 0.99, 1, 1e9);
  const per = new Map<string, { n: number; qty: number; prices: Set<number> }>();
  for (const f of t.of('OrderFilled')) {
    const o = per.get(f.clientOrderId) ?? { n: 0, qty: 0, prices: new Set<number>() };
    per.set(f.clientOrderId, { n: o.n + 1, qty: Math.round((o.qty + f.lastQty) * 10) / 10, prices: o.prices.add(f.lastPx) });
    expect(Math.abs(f.lastQty * 10 - Math.round(f.lastQty * 10))).toBeLessThan(1e-9); // on the lot grid
    expect(f.lastQty).toBeGreaterThan(0);
  }
  return [...per.values()];
}

describe('taker orders in pieces', () => {
  it('without the model, or with share 0, every taker order fills in one piece', () => {
    for (const o of [...run(undefined, 50, 100), ...run({ share: 0, pieces: 3 }, 50, 100)]) expect(o.n).toBe(1);
  });

  it('the share of split orders and their pieces follow the model; the pieces add up to the order at one price', () => {
    const orders = run({ share: 0.4, pieces: 2.5 }, 2000, 100);
    expect(orders).toHaveLength(2000);
    for (const o of orders) {
      expect(o.qty).toBe(100);
      expect(o.prices.size).toBe(1);
    }
    const split = orders.filter((o) => o.n > 1);
    expect(split.length / orders.length).toBeGreaterThan(0.36);
    expect(split.length / orders.length).toBeLessThan(0.44);
    const mean = split.reduce((s, o) => s + o.n, 0) / split.length;
    expect(mean).toBeGreaterThan(2.4);
    expect(mean).toBeLessThan(2.6);
  });

  it('property: any size and model, the pieces sum to the order exactly, never more pieces than lots', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 100_000 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 1, max: 12, noNaN: true }),
        fc.integer({ min: 1, max: 1e6 }),
        (lots, share, pieces, seed) => {
          const qty = lots / 10;
          for (const o of run({ share, pieces }, 3, qty, seed)) {
            expect(o.qty).toBe(qty);
            expect(o.n).toBeLessThanOrEqual(Math.max(1, Math.min(lots, Math.ceil(pieces))));
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a model file sets it, and a wrong one is refused naming the key', () => {
    const dir = mkdtempSync(join(tmpdir(), 'parity-pieces-'));
    const good = join(dir, 'good.json');
    writeFileSync(good, JSON.stringify({ fills: { takerPieces: { share: 0.5, pieces: 3 } } }));
    expect(loadModelFile(good, DEFAULT_MODELS).fills).toEqual({ ...DEFAULT_MODELS.fills, takerPieces: { share: 0.5, pieces: 3 } });
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ fills: { takerPieces: { share: 1.5, pieces: 3 } } }));
    expect(() => loadModelFile(bad, DEFAULT_MODELS)).toThrow(/fills\.takerPieces: expected \{"share": 0\.\.1, "pieces": 1\.\.1000\}\. Nothing was run/);
  });
});
