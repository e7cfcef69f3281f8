/**
 * Liquidation math shared by the simulated venue and the local exchange: Binance's liquidation
 * price over real brackets, the trigger at or beyond it, and the fill with the clearance fee.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resolveInstrument } from '../../src/data/index.ts';
import { liquidates, liquidationFill, liquidationPrice, liquidationTrigger, marginAt, type CrossAccount } from '../../src/engine/index.ts';

const BTC = resolveInstrument('BTCUSDT', 'perpetual', 0.01);
const XRP = resolveInstrument('XRPUSDT', 'perpetual', 0.0001);
const TIERS = BTC.tiers ?? [];
const alone = (wallet: number): CrossAccount => ({ wallet, otherMaintenance: 0, otherUnrealized: 0 });

describe('liquidation price', () => {
  it("is Binance's formula in the bracket the notional lands in: a 20x short of 2 BTC at 100,000 on 10,000 USDT", () => {
    // Bracket 2 (50k-600k, 0.5%, cum 50): (10000 + 50 + 200000) / (2 x 0.005 + 2)
    const lp = liquidationPrice(TIERS, { qty: -2, cost: -200_000 }, alone(10_000));
    expect(lp).toBeCloseTo(210_050 / 2.01, 6);
    const t = liquidationTrigger(BTC, { qty: -2, cost: -200_000 }, alone(10_000));
    expect(t).toEqual({ side: 'buy', price: 104502.49 }); // 104502.487..., the tick above
    expect(t !== undefined && liquidates(t, 104502.49) && !liquidates(t, 104502.48)).toBe(true);
  });

  it('does not exist for a long the wallet covers', () => {
    expect(liquidationPrice(TIERS, { qty: 0.1, cost: 9_000 }, alone(10_000))).toBeUndefined();
    expect(liquidationTrigger(BTC, { qty: 0, cost: 0 }, alone(10_000))).toBeUndefined();
  });

  it('leaves margin balance equal to maintenance margin at the price, below it beyond, above it before (property)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 50, max: 2e6, noNaN: true }),
        fc.double({ min: 0.001, max: 40, noNaN: true }),
        fc.boolean(),
        fc.double({ min: 5_000, max: 150_000, noNaN: true }),
        fc.double({ min: -5_000, max: 5_000, noNaN: true }),
        fc.double({ min: 0, max: 3_000, noNaN: true }),
        (wallet, size, long, entry, otherUnrealized, otherMaintenance) => {
          const pos = { qty: long ? size : -size, cost: (long ? size : -size) * entry };
          const acct = { wallet, otherUnrealized, otherMaintenance };
          const lp = liquidationPrice(TIERS, pos, acct);
          if (lp === undefined || lp < 1) {
            // A long out of reach keeps its margin balance above maintenance down to 0; a short
            // without a price is under water at any price (the rest of the account's doing).
            const m = marginAt(TIERS, pos, acct, long ? 1e-9 : entry);
            if (long) expect(m.balance).toBeGreaterThan(m.maintenance - 1e-6);
            else expect(m.balance).toBeLessThanOrEqual(m.maintenance + 1e-6);
            return;
          }
          const at = marginAt(TIERS, pos, acct, lp);
          expect(Math.abs(at.balance - at.maintenance)).toBeLessThan(1e-6 * Math.max(1, Math.abs(pos.cost), wallet));
          const safe = marginAt(TIERS, pos, acct, long ? lp * 1.001 : lp * 0.999);
          const beyond = marginAt(TIERS, pos, acct, long ? lp * 0.999 : lp * 1.001);
          expect(safe.balance).toBeGreaterThan(safe.maintenance);
          expect(beyond.balance).toBeLessThan(beyond.maintenance);
          const t = liquidationTrigger(BTC, pos, acct);
          if (t !== undefined) {
            const m = marginAt(TIERS, pos, acct, t.price);
            expect(m.balance).toBeLessThanOrEqual(m.maintenance + 1e-6);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('liquidation fill', () => {
  it('closes the whole position at the liquidation price; the clearance fee takes what is left (1.2% of notional exceeds it)', () => {
    const pos = { qty: -2, cost: -200_000 };
    const t = liquidationTrigger(BTC, pos, alone(10_000));
    if (t === undefined) throw new Error('no trigger');
    const f = liquidationFill(BTC, pos, alone(10_000), t);
    expect({ side: f.side, price: f.price, qty: f.qty }).toEqual({ side: 'buy', price: 104502.49, qty: 2 });
    // Left after the close: 10000 - 2 x 104502.49 + 200000 = 995.02; 1.2% x 209004.98 = 2508.06 > 995.02.
    expect(Number(f.fee)).toBeCloseTo(995.02, 6);
    expect(f.fee).toMatch(/^\d+(\.\d{1,8})?$/);
  });

  it('charges at most rate x notional, and never more than the account has left (property)', () => {
    fc.assert(
      fc.property(fc.double({ min: 10, max: 1e6, noNaN: true }), fc.double({ min: 1, max: 200_000, noNaN: true }), fc.boolean(), (wallet, size, long) => {
        const pos = { qty: long ? size : -size, cost: (long ? size : -size) * 0.5 };
        const t = liquidationTrigger(XRP, pos, alone(wallet));
        if (t === undefined) return;
        const f = liquidationFill(XRP, pos, alone(wallet), t);
        const fee = Number(f.fee);
        const left = wallet + pos.qty * t.price - pos.cost;
        expect(fee).toBeGreaterThanOrEqual(0);
        expect(fee).toBeLessThanOrEqual(0.005 * size * t.price + 1e-8);
        expect(fee).toBeLessThanOrEqual(Math.max(0, left) + 1e-8);
        // The fee never takes the account below zero (only the tick rounding of the price can).
        expect(left - fee).toBeGreaterThanOrEqual(Math.min(0, left) - 1e-8);
      }),
      { numRuns: 500 },
    );
  });
});
