/**
 * Parity against a standard event-driven backtester: backtrader's default next-bar-open fills for
 * sma-cross (10/30, 0.01 BTC, 10,000 USDT, 4 bps taker fee, no slippage, spread or latency) on the
 * bundled BTCUSDT 1m data. The reference is backtrader's own output (test/fixtures/reference).
 * Run through the real binary, as a script would.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parity } from '../kit/cli.ts';

interface Fill {
  readonly ts: number;
  readonly side: 'buy' | 'sell';
  readonly price: number;
  readonly qty: number;
  readonly fee: number;
}

const ref = JSON.parse(readFileSync('test/fixtures/reference/backtrader-sma-cross-btcusdt-1m-2024-12.json', 'utf8')) as {
  fills: Fill[];
  finalEquity: number;
  totalFees: number;
};

describe('sma-cross reproduces backtrader fill by fill', () => {
  const r = parity([
    'backtest',
    '--strategy',
    'sma-cross',
    '--param',
    'fast=10',
    '--param',
    'slow=30',
    '--param',
    'size=0.01',
    '--cash',
    '10000',
    '--fee-bps',
    '4',
    '--slippage-bps',
    '0',
    '--spread-ticks',
    '0',
    '--impact',
    '0',
    '--latency',
    '0',
    '--json',
  ]);
  const out = JSON.parse(r.stdout) as { fills: (Fill & { feeExact: string })[]; finalEquity: number; totalFees: number };

  it('has the same fills: times, sides, prices, sizes', () => {
    expect(r.code).toBe(0);
    expect(out.fills).toHaveLength(ref.fills.length);
    out.fills.forEach((f, i) => {
      const b = ref.fills[i] as Fill;
      expect({ i, ts: f.ts, side: f.side, price: f.price, qty: f.qty }).toEqual({ i, ts: b.ts, side: b.side, price: b.price, qty: b.qty });
    });
  });

  it('charges the same fees, unrounded, to 1e-8 (ours are exact decimals)', () => {
    out.fills.forEach((f, i) => {
      expect(Math.abs(Number(f.feeExact) - (ref.fills[i] as Fill).fee)).toBeLessThan(1e-8);
      // exact: price x qty x 0.0004 with no rounding at all
      const units = (BigInt(Math.round(f.price * 100)) * 4n).toString().padStart(9, '0'); // 1e-8 units
      const exact = `${units.slice(0, -8)}.${units.slice(-8)}`.replace(/0+$/, '').replace(/\.$/, '');
      expect(f.feeExact).toBe(exact);
    });
    expect(Math.abs(out.totalFees - ref.totalFees)).toBeLessThan(1e-6);
  });

  it('ends with the same equity, to 1e-6', () => {
    expect(Math.abs(out.finalEquity - ref.finalEquity)).toBeLessThan(1e-6);
  });
});
