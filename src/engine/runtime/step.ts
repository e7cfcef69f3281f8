/**
 * One market data point through the engine, in the fixed order every runtime uses: the validator
 * (the bad-data breaker) judges it first and a bad event stops there, so neither the matching
 * venue nor a strategy ever sees it; then the matching venue (simulator; absent in live mode) sees
 * it, its fills reach strategies, then the data reaches strategies, then whatever they asked for
 * is processed.
 */
import type { Kernel } from '../kernel/kernel.ts';
import type { MarketData } from '../model/market-data.ts';
import type { MatchingVenue } from '../ports/index.ts';
import type { DataFault, MarketDataValidator } from '../components/market-data-validator.ts';

/** Steps `d` through the engine; returns the fault when the validator dropped it (counted there), else undefined. */
export function stepData(kernel: Kernel, matcher: MatchingVenue | undefined, d: MarketData, validator?: MarketDataValidator): DataFault | undefined {
  if (validator !== undefined) {
    const fault = validator.check(d, kernel.clock.now());
    if (fault !== undefined) return fault;
  }
  if (matcher !== undefined) {
    matcher.onMarketData(d);
    if (kernel.pending > 0) kernel.drain();
  }
  kernel.onData(d);
  if (kernel.pending > 0) kernel.drain();
  return undefined;
}

/**
 * Warm-up: history goes to strategies with trading halted, so no order can come from it; whatever
 * the trading state was (a restart may restore a pause or a halt), it comes back afterwards. The
 * validator sees the history too (its references start from it), and drops bad bars from it.
 */
export function warmUp(kernel: Kernel, matcher: MatchingVenue | undefined, bars: readonly MarketData[], validator?: MarketDataValidator): void {
  if (bars.length === 0) return;
  const before = kernel.tradingState;
  const reason = kernel.tradingStateReason;
  kernel.setTradingState('halted', 'warming up on history');
  for (const b of bars) stepData(kernel, matcher, b, validator);
  kernel.setTradingState(before, before === 'active' ? 'warm-up done' : reason);
}
