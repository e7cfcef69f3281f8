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
