/**
 * The risk gate's market-wide limits, each a pure function from figures to a breach or nothing:
 * the price band (fat finger), the order rate, gross and net exposure across symbols, and the
 * venue's leverage brackets. risk-gate.ts decides when each applies (none of them ever holds back an
 * order that only reduces a position); the order flow keeps the sliding window of order times the
 * rate is counted from, on the engine's clock.
 */
import { tierFor, type Instrument, type LeverageTier } from '../model/instrument.ts';
import type { LimitRule } from '../model/trading.ts';

/** A configured limit an order would breach, and why (shown to a person). */
export interface Breach {
  readonly rule: LimitRule;
  readonly reason: string;
}

/** Orders accepted by the gate (submits, and modifies that add exposure) in the trailing second and minute. */
export interface OrderRate {
  readonly lastSecond: number;
  readonly lastMinute: number;
}

/** The account's exposure at last prices, quote currency: gross Σ |qty| x price, net Σ qty x price (signed). */
export interface Exposure {
  readonly gross: number;
  readonly net: number;
}

const SECOND = 1000;
const MINUTE = 60_000;

/**
 * The sliding window of accepted order times (engine time, ms) the rate is counted from. Holds a
 * minute, and at most 1024 older times waiting to be dropped. Not saved: after a restart the window starts empty.
 */
export class OrderRateWindow {
  private readonly times: number[] = [];
  /** Times before this index are out of the window (dropped in place, in batches: no copy per order). */
  private head = 0;

  record(at: number): void {
    this.times.push(at);
  }

  counts(now: number): OrderRate {
    const times = this.times;
    let head = this.head;
    while (head < times.length && now - (times[head] as number) >= MINUTE) head++;
    // Out-of-window times are dropped in batches, also when the window is empty (clearing the array
    // every time gave its storage back, and the next order's push allocated it again).
    if (head >= 1024) {
      times.splice(0, head);
      head = 0;
    }
    this.head = head;
    let lastSecond = 0;
    for (let i = times.length - 1; i >= head && now - (times[i] as number) < SECOND; i--) lastSecond++;
    return { lastSecond, lastMinute: times.length - head };
  }
}

/**
 * A limit price more than `bandBps` away from the reference (last) price, on either side, as
 * Binance's PERCENT_PRICE filter refuses it. Nothing to compare with before the first price.
 */
export function priceBandBreach(price: number, reference: number | undefined, bandBps: number): Breach | undefined {
  if (reference === undefined || !(reference > 0) || !Number.isFinite(bandBps)) return undefined;
  const off = (Math.abs(price - reference) / reference) * 10_000;
  if (off <= bandBps * (1 + 1e-9)) return undefined;
  return {
    rule: 'price-band',
    reason: `limit price ${price} is ${off.toFixed(0)} bps ${price > reference ? 'above' : 'below'} the last price ${reference}, outside the ${bandBps} bps band (risk.priceBandBps); check the price`,
  };
}

/** The rate is reached when as many orders as allowed were accepted within the trailing second (or minute). */
export function rateBreach(rate: OrderRate, perSecond: number, perMinute: number): Breach | undefined {
  const hint = 'a strategy in a loop? orders that reduce a position still go out';
  if (rate.lastSecond >= perSecond) return { rule: 'order-rate', reason: `${rate.lastSecond} orders in the last second reach the limit of ${perSecond} (risk.maxOrdersPerSecond); ${hint}` };
  if (rate.lastMinute >= perMinute) return { rule: 'order-rate', reason: `${rate.lastMinute} orders in the last minute reach the limit of ${perMinute} (risk.maxOrdersPerMinute); ${hint}` };
  return undefined;
}

/** The account's exposure with this symbol's position at `qty`, valued at `price` (it was at `position` x `reference`). */
export function exposureWith(exp: Exposure, position: number, reference: number | undefined, qty: number, price: number): Exposure {
  const was = reference === undefined ? 0 : position * reference;
  return { gross: exp.gross - Math.abs(was) + Math.abs(qty) * price, net: exp.net - was + qty * price };
}

/**
 * Gross or net exposure above its limit. An order that leaves the figure no larger than it was
 * (a hedge that shrinks net exposure, a flip that shrinks gross) passes that rule: it only reduces.
 */
export function exposureBreach(before: Exposure, after: Exposure, maxGross: number, maxNet: number, quote: string): Breach | undefined {
  const tol = 1e-9 * Math.max(1, before.gross);
  if (after.gross > maxGross && after.gross > before.gross + tol) {
    return { rule: 'gross-exposure', reason: `gross exposure would be ${after.gross.toFixed(2)} ${quote}, above the limit ${maxGross} (risk.maxGrossExposure)` };
  }
  if (Math.abs(after.net) > maxNet && Math.abs(after.net) > Math.abs(before.net) + tol) {
    return { rule: 'net-exposure', reason: `net exposure would be ${after.net.toFixed(2)} ${quote}, beyond the limit ${maxNet} either way (risk.maxNetExposure)` };
  }
  return undefined;
}

/** The largest position notional the brackets allow at `leverage`: the cap of the last bracket that allows it, 0 when none does. */
export function maxNotionalAt(tiers: readonly LeverageTier[], leverage: number): number {
  let cap = 0;
  for (const t of tiers) if (t.maxLeverage >= leverage) cap = Math.max(cap, t.cap);
  return cap;
}

/**
 * A position of `notional` (absolute, quote currency) beyond what the venue's brackets allow: the
 * account's leverage above the bracket's maximum (the notional is past the bracket cap for that
 * leverage), or the position's own leverage on the account's equity above it.
 */
export function leverageBreach(inst: Instrument, notional: number, leverage: number, equity: number): Breach | undefined {
  const tiers = inst.tiers;
  if (tiers === undefined || tiers.length === 0) return undefined;
  const t = tierFor(tiers, notional) as LeverageTier;
  if (leverage > t.maxLeverage) {
    return {
      rule: 'leverage',
      reason: `a ${inst.symbol} position of ${notional.toFixed(2)} ${inst.quote} allows at most ${t.maxLeverage}x at the venue, the account uses ${leverage}x (largest position at ${leverage}x: ${maxNotionalAt(tiers, leverage)} ${inst.quote}); lower the size or the leverage`,
    };
  }
  if (!(equity > 0) || notional / equity > t.maxLeverage) {
    const eff = equity > 0 ? `${(notional / equity).toFixed(1)}x` : 'unbounded leverage (equity is not positive)';
    return {
      rule: 'leverage',
      reason: `a ${inst.symbol} position of ${notional.toFixed(2)} ${inst.quote} would be ${eff} on equity ${equity.toFixed(2)}, above the venue's ${t.maxLeverage}x for that size`,
    };
  }
  return undefined;
}
