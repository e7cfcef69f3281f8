/** The ccxt adapter connected to a local exchange (manual mode): the live path, on loopback. */
import { createRng, HaltError, LiveClock, type OffsetClock, type VenueEvent } from '../../src/engine/index.ts';
import { connect, type CcxtConnection } from '../../src/exchanges/ccxt/index.ts';
import { localVenue as venueAt, startLocalExchange, type LocalExchange, type LocalExchangeOptions } from '../../src/local-exchange/index.ts';
import { nodeScheduler } from '../../src/cli/node-scheduler.ts';

export interface LocalVenue {
  readonly lx: LocalExchange;
  readonly conn: CcxtConnection;
  readonly events: VenueEvent[];
  readonly halts: HaltError[];
  close(): Promise<void>;
}

/** `venueClock`: our estimate of the venue's clock (default: the local clock). */
export async function localVenue(opts: LocalExchangeOptions = {}, symbols: readonly string[] = ['BTCUSDT'], venueClock?: OffsetClock): Promise<LocalVenue> {
  const lx = await startLocalExchange({ mode: 'manual', startingBalance: 100_000, ...opts });
  const events: VenueEvent[] = [];
  const halts: HaltError[] = [];
  const conn = await connect({
    exchange: 'local',
    local: venueAt(lx.url),
    credentials: { apiKey: 'local', secret: 'local' },
    symbols,
    clock: new LiveClock(),
    ...(venueClock === undefined ? {} : { venueClock }),
    scheduler: nodeScheduler,
    rng: createRng(7),
    onHalt: (e) => halts.push(e),
  });
  conn.venue.connect((e) => events.push(e));
  conn.userStream.start();
  return {
    lx,
    conn,
    events,
    halts,
    async close() {
      await conn.close();
      await lx.close();
    },
  };
}

/** Lets real network round trips complete. */
export const settle = (ms = 25): Promise<void> => new Promise((r) => setTimeout(r, ms));
