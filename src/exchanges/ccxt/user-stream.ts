/**
 * The user data stream: ccxt.pro's watchOrders and watchMyTrades, each in its own loop, feeding
 * the venue adapter. A dropped connection is retried with backoff (ccxt reconnects on the next
 * watch call); a refused key halts. `connected` tells the status bar whether the stream is live.
 */
import { HaltError, type ParityError } from '../../engine/index.ts';
import { mapCcxtError } from './errors.ts';
import { backoffMs, type Requester } from './requester.ts';
import type { CcxtVenue } from './venue.ts';

export class UserStream {
  private running = false;
  private failures = 0;
  connected = false;
  lastError: string | undefined;

  constructor(
    private readonly requester: Requester,
    private readonly venue: CcxtVenue,
    private readonly onHalt: (e: HaltError) => void,
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    void this.loop('orders');
    void this.loop('trades');
  }

  stop(): void {
    this.running = false;
  }

  private async loop(kind: 'orders' | 'trades'): Promise<void> {
    const c = this.requester.client;
    while (this.running) {
      try {
        if (kind === 'orders') for (const o of await c.watchOrders()) this.venue.onOrderUpdate(o);
        else for (const t of await c.watchMyTrades()) this.venue.onTrade(t);
        this.connected = true;
        this.failures = 0;
      } catch (err) {
        if (!this.running) return;
        const e: ParityError = mapCcxtError(err);
        this.connected = false;
        this.lastError = e.message;
        if (e instanceof HaltError) {
          this.running = false;
          this.onHalt(e);
          return;
        }
        await this.requester.sleep(backoffMs(this.failures++));
      }
    }
  }
}
