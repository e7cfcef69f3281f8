/**
 * Paper or live: the one place the choice is made. Both stream the venue's market data through
 * ccxt into the same kernel; they differ only in where orders go and whose books are the truth:
 *
 * - paper: the simulated venue (the backtest's, unchanged) fills orders and reports; it remembers
 *   nothing across a restart, so it is seeded from the engine's books and the resting orders it
 *   lost are closed, said as diffs;
 * - live: the ccxt adapter sends orders and the venue reports; a fresh state directory starts from
 *   the venue's balance and books (baseline.ts), and the user stream brings fills.
 */
import { fromNumber, formatFixed, parseFixed, type AccountSetup, type Clock, type Fixed, type Kernel, type Rng, type RuntimeVenue, type VenueReports } from '../../engine/index.ts';
import type { CcxtConnection } from '../../exchanges/ccxt/index.ts';
import { SimulatedVenue, type VenueModels } from '../../paper/index.ts';
import { adoptVenueBooks } from './baseline.ts';

/** How long before the last journaled event fills are asked for at a restart, ms. */
const RESTART_FILLS_MARGIN_MS = 600_000;
/** How far back fills are asked for on a fresh paper start, ms. */
const FRESH_FILLS_MS = 3_600_000;

export interface Execution {
  readonly venue: RuntimeVenue;
  readonly reports: VenueReports;
  /** Whether orders go to the venue itself (a user stream reports them). */
  readonly live: boolean;
  /**
   * Brings the venue and the restored (or fresh) books together before trading; returns the time
   * fills are asked for from.
   */
  settle(kernel: Kernel, fresh: boolean, lastJournaled: number): Promise<number>;
  /** Starts the venue's own streams (the user stream, live). */
  start(): void;
}

export interface ExecutionChoice {
  /** The cash the books start from when there are none to restore: the venue's balance live, the configured cash on paper. */
  startingCash(fresh: boolean): Promise<Fixed>;
  create(account: AccountSetup, clock: Clock, rng: Rng): Execution;
}

export function chooseExecution(mode: 'paper' | 'live', conn: CcxtConnection, paper: { readonly cash: number; readonly models: VenueModels }): ExecutionChoice {
  return mode === 'live' ? liveExecution(conn) : paperExecution(paper);
}

function liveExecution(conn: CcxtConnection): ExecutionChoice {
  return {
    startingCash: async () => parseFixed((await conn.reports.balances()).find((b) => b.currency === conn.settle)?.total ?? '0'),
    create: (account) => ({
      venue: conn.venue,
      reports: conn.reports,
      live: true,
      async settle(kernel, fresh, lastJournaled) {
        if (!fresh) return lastJournaled - RESTART_FILLS_MARGIN_MS;
        // Fills from before a fresh start are in the venue's books taken at it.
        const openOrders = (await Promise.all(account.instruments.map((i) => conn.reports.openOrders(i.symbol)))).flat();
        return adoptVenueBooks(kernel, { positions: await conn.reports.positions(), balance: formatFixed(account.startingCash), currency: conn.settle, openOrders });
      },
      start: () => conn.userStream.start(),
    }),
  };
}

function paperExecution(paper: { readonly cash: number; readonly models: VenueModels }): ExecutionChoice {
  return {
    startingCash: () => Promise.resolve(fromNumber(paper.cash)),
    create(account, clock, rng) {
      const sim = new SimulatedVenue({ ...account, clock, rng, models: paper.models });
      return {
        venue: sim,
        reports: sim,
        live: false,
        settle(kernel, fresh, lastJournaled) {
          if (fresh) return Promise.resolve(clock.now() - FRESH_FILLS_MS);
          // The simulated venue remembers nothing across a restart: its books are the engine's, and its resting orders are gone.
          sim.account.seed(kernel.portfolio.ledger);
          for (const o of kernel.orders.open()) {
            kernel.books.recordDiff({ kind: 'order_missing', severity: 'info', symbol: o.symbol, message: `paper order ${o.clientOrderId} did not survive the restart`, resolution: 'closed' });
            kernel.applyVenueEvent({ type: 'OrderCanceled', clientOrderId: o.clientOrderId, symbol: o.symbol, tsEvent: clock.now(), tsInit: clock.now() });
          }
          kernel.drain();
          return Promise.resolve(lastJournaled - RESTART_FILLS_MARGIN_MS);
        },
        start: () => undefined,
      };
    },
  };
}
