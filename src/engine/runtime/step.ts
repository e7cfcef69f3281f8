/**
 * One market data point through the engine, in the fixed order every runtime uses: the matching
 * venue (simulator; absent in live mode) sees it first, its fills reach strategies, then the data
 * reaches strategies, then whatever they asked for is processed.
 */
import type { Kernel } from '../kernel/kernel.ts';
import type { MarketData } from '../model/market-data.ts';
import type { MatchingVenue } from '../ports/index.ts';

export function stepData(kernel: Kernel, matcher: MatchingVenue | undefined, d: MarketData): void {
  if (matcher !== undefined) {
    matcher.onMarketData(d);
    if (kernel.pending > 0) kernel.drain();
  }
  kernel.onData(d);
  if (kernel.pending > 0) kernel.drain();
}

/**
 * Warm-up: history goes to strategies with trading halted, so no order can come from it; whatever
 * the trading state was (a restart may restore a pause or a halt), it comes back afterwards.
 */
export function warmUp(kernel: Kernel, matcher: MatchingVenue | undefined, bars: readonly MarketData[]): void {
  if (bars.length === 0) return;
  const before = kernel.tradingState;
  const reason = kernel.tradingStateReason;
  kernel.setTradingState('halted', 'warming up on history');
  for (const b of bars) stepData(kernel, matcher, b);
  kernel.setTradingState(before, before === 'active' ? 'warm-up done' : reason);
}
