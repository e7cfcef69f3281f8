/**
 * The counterfactual replays behind the attribution (docs/attribution.md), each changing one thing
 * from the one before, so that their differences add up to the live-versus-backtest gap exactly:
 *
 *   RV  the simulator over the venue's record of the market (R0 when there is none)
 *   R0  the simulator over the data the session received                    data      = R0 - RV
 *   R1  the live fills held (execution-held), fees and funding as modelled  execution = R1 - R0
 *   R2  R1 with the fees and funding the venue charged                      cost      = R2 - R1
 *   R3  R2 with the live fills of decisions the replay did not reproduce    logic     = R3 - R2
 *   live  the live books, folded from the session's own messages            residual  = live - R3
 *
 * All PnLs are exact (fixed-18): the five classes sum to live - RV with no rounding.
 */
import { formatFixed, parseFixed, type Fixed, type LoggedMessage, type OrderFilled } from '../../engine/index.ts';
import { feeFor, type VenueModels } from '../../paper/index.ts';
import { warmupOf, type SessionRecording } from '../../persistence/recording.ts';
import { decisionOf, replaySession, type Decision, type ReplayOutcome } from '../replay/replay.ts';
import { checkFunding, type FundingCheck } from './funding.ts';
import { liveBooks, livePnl, type LiveBooks } from './live-books.ts';
import { NO_VENUE_RECORD, withVenueBars, type DataComparison, type VenueBars } from './venue-data.ts';

export interface Chain {
  readonly rv: ReplayOutcome;
  readonly r0: ReplayOutcome;
  readonly r1: ReplayOutcome;
  readonly r2: ReplayOutcome;
  readonly r3: ReplayOutcome;
  readonly books: LiveBooks;
  readonly funding: FundingCheck;
  readonly data: DataComparison;
  /** Live decisions and the execution-held replay's, position by position; and the live orders whose decision was not reproduced. */
  readonly decisions: { readonly live: readonly Decision[]; readonly replay: readonly Decision[]; readonly matched: number; readonly unreproduced: ReadonlySet<string> };
  readonly pnl: { readonly rv: Fixed; readonly r0: Fixed; readonly r1: Fixed; readonly r2: Fixed; readonly r3: Fixed; readonly live: Fixed };
}

const ORDER_EVENTS = new Set(['OrderAccepted', 'OrderRejected', 'OrderCancelRejected', 'OrderModifyRejected', 'OrderUpdated', 'OrderCanceled', 'OrderExpired', 'OrderFilled']);

/** The session without the venue's events for orders in `ids` (their decisions stay: they are what is compared). */
function withoutOrders(s: SessionRecording, ids: ReadonlySet<string>): SessionRecording {
  if (ids.size === 0) return s;
  return { ...s, messages: s.messages.filter(({ m }) => !(ORDER_EVENTS.has(m.type) && ids.has((m as { clientOrderId: string }).clientOrderId))) };
}

/** The session with each live fill's fee as the model charges it and each funding payment as expected. */
function withModelledCosts(s: SessionRecording, models: VenueModels, funding: FundingCheck): SessionRecording {
  const inst = new Map(s.header.account.instruments.map((i) => [i.symbol as string, i]));
  let k = 0;
  const messages = s.messages.map((x) => {
    const m: LoggedMessage = x.m;
    if (m.type === 'OrderFilled' && m.liquidation !== true) {
      const i = inst.get(m.symbol);
      return i === undefined ? x : { ...x, m: { ...m, fee: feeFor(models.fees, m.liquidity, m.lastPx, m.lastQty, i) } satisfies OrderFilled };
    }
    if (m.type === 'FundingPaid') {
      const line = funding.lines[k++];
      return line === undefined ? x : { ...x, m: { ...m, amount: formatFixed(line.expected) } };
    }
    return x;
  });
  return { ...s, messages };
}

const pnlOf = (o: ReplayOutcome, start: Fixed): Fixed => o.view.result.kernel.portfolio.exactEquity() - start;

export async function runChain(s: SessionRecording, models: VenueModels, venue: VenueBars | undefined): Promise<Chain> {
  const h = s.header;
  const start = parseFixed(h.start.ledger.balance);
  const books = liveBooks(s);
  const fundingData = s.data.flatMap((x) => (x.d.type === 'funding' ? [x.d] : []));
  const funding = checkFunding(books.funding, fundingData);
  const r0 = await replaySession(s, { execution: 'simulated', models });
  let rv = r0;
  let data = NO_VENUE_RECORD;
  if (venue !== undefined) {
    const v = withVenueBars(s, venue);
    data = v.data;
    rv = await replaySession(v.session, { execution: 'simulated', models });
  }
  const r3 = await replaySession(s, { execution: 'live' });
  const decisions = compareDecisions(s, r3);
  const held = withoutOrders(s, decisions.unreproduced);
  const r2 = held === s ? r3 : await replaySession(held, { execution: 'live' });
  const r1 = await replaySession(withModelledCosts(held, models, funding), { execution: 'live' });
  const live = livePnl(books, (sym) => r3.view.result.kernel.portfolio.lastPrice(sym));
  return { rv, r0, r1, r2, r3, books, funding, data, decisions, pnl: { rv: pnlOf(rv, start), r0: pnlOf(r0, start), r1: pnlOf(r1, start), r2: pnlOf(r2, start), r3: pnlOf(r3, start), live } };
}

/** Decisions compared position by position (as `parity replay` does), keeping which live orders were not reproduced. */
function compareDecisions(s: SessionRecording, held: ReplayOutcome): Chain['decisions'] {
  const name = s.header.strategy.name;
  const warm = warmupOf(s.header).length;
  const live = s.messages.flatMap(({ n, m }) => decisionOf(m, n, name) ?? []);
  const replay = held.messages.flatMap(({ n, m }) => (n > warm ? (decisionOf(m, n, name) ?? []) : []));
  let matched = 0;
  const unreproduced = new Set<string>();
  live.forEach((d, i) => {
    const r = replay[i];
    if (r !== undefined && JSON.stringify(r) === JSON.stringify(d)) matched++;
    else if (d.type === 'SubmitOrder' && d.clientOrderId !== undefined) unreproduced.add(d.clientOrderId);
  });
  return { live, replay, matched, unreproduced };
}
