/**
 * What the adapter remembers about the orders it sent: the command, the venue's id once known,
 * and which trade ids it already passed on. It lets a fill that arrives before the order's ack be
 * held until the order is known, and it maps venue ids back to Parity's client ids.
 */
import type { ClientOrderId, SubmitOrder, TradeId } from '../../engine/index.ts';
import type { VenueMarket } from './markets.ts';

export interface OrderRecord {
  readonly cmd: SubmitOrder;
  readonly market: VenueMarket;
  venueId: string | undefined;
  /** Trade ids already reported for this order. */
  readonly trades: Set<TradeId>;
  filled: number;
  /** No more status to learn (filled, canceled, expired, rejected). */
  done: boolean;
}

export class OrderRecords {
  private readonly byClient = new Map<ClientOrderId, OrderRecord>();
  private readonly byVenue = new Map<string, ClientOrderId>();

  add(cmd: SubmitOrder, market: VenueMarket): OrderRecord {
    const existing = this.byClient.get(cmd.clientOrderId);
    if (existing !== undefined) return existing;
    const rec: OrderRecord = { cmd, market, venueId: undefined, trades: new Set(), filled: 0, done: false };
    this.byClient.set(cmd.clientOrderId, rec);
    return rec;
  }

  get(id: ClientOrderId): OrderRecord | undefined {
    return this.byClient.get(id);
  }

  /** Learns the venue's id for one of our orders. */
  link(rec: OrderRecord, venueId: string): void {
    rec.venueId = venueId;
    this.byVenue.set(venueId, rec.cmd.clientOrderId);
  }

  clientIdOfVenue(venueId: string): ClientOrderId | undefined {
    return this.byVenue.get(venueId);
  }

  openOn(symbol: string): OrderRecord[] {
    return [...this.byClient.values()].filter((r) => !r.done && r.market.symbol === symbol);
  }
}
