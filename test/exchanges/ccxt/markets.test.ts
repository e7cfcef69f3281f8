/** Venue markets as instruments: ccxt's decimal-places precision becomes an exact grid step. */
import fc from 'fast-check';
import type { MarketInterface } from 'ccxt';
import { describe, expect, it } from 'vitest';
import { formatFixed, fromNumber } from '../../../src/engine/index.ts';
import { instrumentFromMarket, tiersFromCcxt } from '../../../src/exchanges/ccxt/markets.ts';

const DECIMAL_PLACES = 2;
const TICK_SIZE = 4;

/** A market as ccxt describes it (only the fields the translation reads). */
function market(price: number, amount: number): MarketInterface {
  return {
    id: 'XRPUSDT',
    symbol: 'XRP/USDT:USDT',
    base: 'XRP',
    quote: 'USDT',
    swap: true,
    precision: { price, amount },
    limits: { amount: { min: undefined, max: undefined }, cost: { min: 5 } },
  } as unknown as MarketInterface;
}

describe('instrumentFromMarket', () => {
  it('decimal-places precision n gives the exact step 10^-n for 0..18 decimals', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 18 }), fc.integer({ min: 0, max: 18 }), (p, a) => {
        const inst = instrumentFromMarket(market(p, a), DECIMAL_PLACES);
        expect(formatFixed(fromNumber(inst.tickSize))).toBe(p === 0 ? '1' : `0.${'0'.repeat(p - 1)}1`);
        expect([inst.priceDecimals, inst.qtyDecimals]).toEqual([p, a]);
      }),
    );
  });

  it('tick-size precision is the step itself', () => {
    expect(instrumentFromMarket(market(0.0001, 0.1), TICK_SIZE)).toMatchObject({ tickSize: 0.0001, lotSize: 0.1, priceDecimals: 4, qtyDecimals: 1, minNotional: 5 });
  });

  it('a precision the ledger cannot hold is refused, naming the market', () => {
    for (const [p, mode] of [
      [19, DECIMAL_PLACES],
      [-1, DECIMAL_PLACES],
      [0, TICK_SIZE],
    ] as const) {
      expect(() => instrumentFromMarket(market(p, 3), mode)).toThrow(/market XRP\/USDT:USDT has no usable price\/amount precision .*cannot trade it safely/);
    }
  });
});

describe('tiersFromCcxt (leverage brackets from ccxt fetchLeverageTiers)', () => {
  const row = (minNotional: number, maxNotional: number, maxLeverage: number, maintenanceMarginRate: number, info: Record<string, unknown> = {}) => ({
    minNotional,
    maxNotional,
    maxLeverage,
    maintenanceMarginRate,
    info,
  });
  it('sorts by notional, keeps the venue cum where given, else derives it so the maintenance margin is continuous', () => {
    const tiers = tiersFromCcxt([row(50_000, 600_000, 100, 0.005), row(0, 50_000, 125, 0.004)]) ?? [];
    expect(tiers.map((t) => [t.floor, t.cap, t.maxLeverage])).toEqual([
      [0, 50_000, 125],
      [50_000, 600_000, 100],
    ]);
    expect(tiers.map((t) => t.maintAmount)).toEqual([0, 50]); // 50000 x (0.005 - 0.004): Binance's cum for that bracket
    expect(tiersFromCcxt([row(0, 10_000, 75, 0.005, { cum: '0.0' }), row(10_000, 20_000, 50, 0.01, { cum: '50.0' })])?.map((t) => t.maintAmount)).toEqual([0, 50]);
  });
  it('no brackets rather than wrong ones: a missing bound, rate or leverage gives none', () => {
    expect(tiersFromCcxt(undefined)).toBeUndefined();
    expect(tiersFromCcxt([])).toBeUndefined();
    expect(tiersFromCcxt([row(0, 50_000, 125, 0.004), { ...row(50_000, 600_000, 100, 0.005), maxLeverage: undefined }])).toBeUndefined();
    expect(tiersFromCcxt([row(0, 0, 125, 0.004)])).toBeUndefined();
  });
});
