/**
 * What a replayed market produces. A feed owns its public book and its bars; `step()` performs
 * everything due at `nextTime()` (in virtual time) and returns the events in the order they
 * happened, for the exchange to publish and to match resting orders against. Feeds never change
 * a price, size or rate from their recording, only its time.
 */
import type { BarSource } from './bars.ts';
import type { Book, Level } from './book.ts';
import type { Fixed } from './decimal.ts';

export type FeedEvent =
  | {
      readonly kind: 'depth';
      readonly ts: number;
      readonly U: number;
      readonly u: number;
      readonly pu: number;
      readonly bids: readonly Level[];
      readonly asks: readonly Level[];
      /** The recorded message (L2 replay), re-emitted with shifted times. */
      readonly raw?: Record<string, unknown>;
    }
  | { readonly kind: 'bookTicker'; readonly ts: number; readonly raw?: Record<string, unknown> }
  | {
      readonly kind: 'trade';
      readonly ts: number;
      readonly id: number;
      readonly price: Fixed;
      readonly qty: Fixed;
      /** Binance `m`: the buyer was the maker (the aggressor sold). */
      readonly buyerMaker: boolean;
      readonly raw?: Record<string, unknown>;
    }
  /** The base bar opened at `barTime` progressed (closed = its last update). */
  | { readonly kind: 'bar'; readonly ts: number; readonly barTime: number; readonly closed: boolean };

export interface Feed {
  readonly symbol: string;
  readonly book: Book;
  readonly bars: BarSource;
  /** Virtual time offset added to every recorded time. */
  readonly shift: number;
  lastPrice(): Fixed;
  /** Virtual time of the next event; undefined once the recording is exhausted (market frozen). */
  nextTime(): number | undefined;
  step(): FeedEvent[];
}
