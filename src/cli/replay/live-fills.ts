/**
 * The venue of a replay with execution held equal (`parity replay --live-fills`): it fills nothing.
 * Orders sent to it vanish; what the live venue reported (acceptances, fills, cancels, funding) is
 * delivered again where the live engine processed it: after the same data point, in the same
 * order. So the strategy sees the live fills at their live times, and any decision that differs
 * from the live session's is logic (a bug or non-determinism), never execution.
 */
import type { CancelAllOrders, CancelOrder, LoggedMessage, MarketData, MatchingVenue, ModifyOrder, SubmitOrder, VenueEvent, VenueEventSink } from '../../engine/index.ts';

/** Messages the venue produces (the rest the engine makes itself: submitted, pending cancel, denied...). */
const FROM_VENUE = new Set<string>(['OrderAccepted', 'OrderRejected', 'OrderCancelRejected', 'OrderModifyRejected', 'OrderUpdated', 'OrderCanceled', 'OrderExpired', 'OrderFilled', 'FundingPaid']);

export const isVenueEvent = (m: LoggedMessage): m is VenueEvent => FROM_VENUE.has(m.type);

export class LiveFillsVenue implements MatchingVenue {
  private sink: VenueEventSink = () => undefined;
  private next = 0;
  /** Data points seen so far (the replay kernel's dataSeq before the one arriving). */
  private seen = 0;

  /** `events`: the live venue events in order, each with the dataSeq the live kernel processed it at. */
  constructor(private readonly events: readonly { readonly n: number; readonly e: VenueEvent }[]) {}

  connect(sink: VenueEventSink): void {
    this.sink = sink;
  }

  submit(_cmd: SubmitOrder): void {}
  cancel(_cmd: CancelOrder): void {}
  modify(_cmd: ModifyOrder): void {}
  cancelAll(_cmd: CancelAllOrders): void {}

  /** Before data point `seen` reaches the strategies: what the live engine processed before it. */
  onMarketData(_d: MarketData): void {
    this.release(this.seen);
    this.seen++;
  }

  /** After the last data point: the rest (fills that came in before the session stopped). */
  flush(): void {
    this.release(Infinity);
  }

  private release(upTo: number): void {
    const ev = this.events;
    while (this.next < ev.length && (ev[this.next] as { n: number }).n <= upTo) this.sink((ev[this.next++] as { e: VenueEvent }).e);
  }
}
