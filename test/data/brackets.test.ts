/**
 * The bundled Binance USD-M leverage brackets: real rows, several per symbol, checked on load, and
 * the perpetual instruments carry them (with the clearance fee rate) so maintenance margin follows
 * Binance's tax-bracket rule.
 */
import { describe, expect, it } from 'vitest';
import { bracketTiers, loadBrackets, parseBrackets, resolveInstrument, DataError } from '../../src/data/index.ts';
import { maintenanceMargin } from '../../src/engine/index.ts';

describe('bundled leverage brackets', () => {
  it('holds the real brackets of BTCUSDT, ETHUSDT and XRPUSDT', () => {
    const all = loadBrackets();
    expect([...all.keys()].sort()).toEqual(['BTCUSDT', 'ETHUSDT', 'XRPUSDT']);
    expect(all.get('BTCUSDT')?.brackets).toHaveLength(12);
    expect(all.get('XRPUSDT')?.brackets).toHaveLength(10);
    // Binance's published first brackets (2024-10-24): BTC 125x to 50k at 0.4%; XRP 75x to 10k at 0.5%.
    expect(all.get('BTCUSDT')?.brackets[0]).toEqual({ bracket: 1, initialLeverage: 125, notionalCap: 50000, notionalFloor: 0, maintMarginRatio: 0.004, cum: 0 });
    expect(all.get('BTCUSDT')?.brackets[1]).toEqual({ bracket: 2, initialLeverage: 100, notionalCap: 600000, notionalFloor: 50000, maintMarginRatio: 0.005, cum: 50 });
    expect(all.get('XRPUSDT')?.brackets[0]).toEqual({ bracket: 1, initialLeverage: 75, notionalCap: 10000, notionalFloor: 0, maintMarginRatio: 0.005, cum: 0 });
  });

  it('gives a maintenance margin that is continuous across every bracket edge', () => {
    for (const sym of ['BTCUSDT', 'ETHUSDT', 'XRPUSDT']) {
      const tiers = bracketTiers(sym) ?? [];
      for (const t of tiers.slice(1)) {
        const below = maintenanceMargin(tiers, t.floor * (1 - 1e-12));
        const at = maintenanceMargin(tiers, t.floor);
        expect(Math.abs(at - below)).toBeLessThan(1e-6 * Math.max(1, at));
      }
    }
  });

  it('refuses a response whose cum leaves a jump, naming the bracket', () => {
    const bad = [
      {
        symbol: 'BTCUSDT',
        brackets: [
          { bracket: 1, initialLeverage: 125, notionalCap: 50000, notionalFloor: 0, maintMarginRatio: 0.004, cum: 0 },
          { bracket: 2, initialLeverage: 100, notionalCap: 600000, notionalFloor: 50000, maintMarginRatio: 0.005, cum: 0 },
        ],
      },
    ];
    expect(() => parseBrackets(bad, 'x.json')).toThrow(DataError);
    expect(() => parseBrackets(bad, 'x.json')).toThrow(/BTCUSDT bracket 2: cum 0 leaves the maintenance margin discontinuous \(expected 50\)/);
    expect(() => parseBrackets([{ symbol: 'BTCUSDT', brackets: [{ bracket: 1 }] }], 'y.json')).toThrow(/initialLeverage, notionalCap/);
  });

  it('puts the tiers and the clearance fee on perpetual instruments only', () => {
    const perp = resolveInstrument('BTCUSDT', 'perpetual', 0.01);
    expect(perp.tiers).toHaveLength(12);
    expect(perp.liquidationFee).toBe(0.012);
    expect(maintenanceMargin(perp.tiers, 200_000)).toBeCloseTo(200_000 * 0.005 - 50, 9);
    expect(resolveInstrument('BTCUSDT', 'spot', 0.01).tiers).toBeUndefined();
    expect(resolveInstrument('DOGEUSDT', 'perpetual', 0.00001).tiers).toBeUndefined();
  });
});
