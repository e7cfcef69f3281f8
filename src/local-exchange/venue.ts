/**
 * The local exchange's core: its markets, orders, account and one virtual clock. No IO: it is
 * driven by `advanceTo` (market data, matching and funding due up to a time, in time order) and by
 * order commands (execution.ts), and it reports through a `VenueSink` (market streams, user-data
 * events, a log). After every public trade and funding payment a position whose mark reached its
 * liquidation price is liquidated (liquidation.ts). Invariants: virtual time never goes back; events are processed in time order,
 * ties by market then feed-before-funding; every market message carries virtual time.
 */
import { Account } from './account.ts';
import { stats24h, intervalMs, INTERVALS, barAt, klinePayload } from './bars.ts';
import { abs, div, int, maxx, minx, mul } from './decimal.ts';
import { err } from './errors.ts';
import { onBookChange, onPublicTrade, settleFunding } from './execution.ts';
import type { FeedEvent } from './feed.ts';
import { checkLiquidation, liquidationPriceOf } from './liquidation.ts';
import { maintMargin } from './markets.ts';
import { OrderStore, remaining } from './orders.ts';
import type { AccountView, PositionView } from './shapes.ts';
import * as ws from './ws-shapes.ts';
import type { ExecutionVenue, MarketState, MarketTopics, PublicTrade, VenueConfig, VenueSink } from './venue-types.ts';

export type { MarketState, PublicTrade, UserEventKind, VenueConfig, VenueSink } from './venue-types.ts';

function topicsOf(symbol: string, baseInterval: number): MarketTopics {
  const s = symbol.toLowerCase();
  const klines: { name: string; topic: string; ms: number }[] = [];
  for (const name of Object.keys(INTERVALS)) {
    const ms = intervalMs(name, baseInterval);
    if (ms !== undefined) klines.push({ name, topic: `${s}@kline_${name}`, ms });
  }
  return {
    depth: `${s}@depth`,
    depthN: [5, 10, 20].map((n) => [n, `${s}@depth${n}`] as const),
    bookTicker: `${s}@bookTicker`,
    trade: `${s}@trade`,
    aggTrade: `${s}@aggTrade`,
    miniTicker: `${s}@miniTicker`,
    ticker: `${s}@ticker`,
    markPrice: `${s}@markPrice`,
    klines,
  };
}

const RECENT = 1000;

export class Venue implements ExecutionVenue {
  now: number;
  readonly markets = new Map<string, MarketState>();
  readonly orders = new OrderStore();
  readonly account: Account;
  private tradeSeq = 700_000_000;

  constructor(
    readonly cfg: VenueConfig,
    readonly sink: VenueSink,
  ) {
    this.now = cfg.start;
    this.account = new Account(cfg.startingBalance, cfg.start);
    for (const m of cfg.markets) {
      m.funding.skipThrough(cfg.start - 1);
      this.markets.set(m.spec.symbol, {
        ...m,
        topics: topicsOf(m.spec.symbol, m.feed.bars.interval),
        consumed: { bids: new Map(), asks: new Map() },
        leverage: cfg.leverage,
        lastTickerSecond: -1,
        recent: [],
        ended: false,
      });
    }
  }

  market(symbol: string): MarketState | undefined {
    return this.markets.get(symbol);
  }

  /** The market of `symbol`; throws Binance's -1121 (Invalid symbol) when it is not listed. */
  marketOrThrow(symbol: string): MarketState {
    const ms = this.markets.get(symbol);
    if (ms === undefined) throw err(-1121);
    return ms;
  }

  nextTradeId(): number {
    return ++this.tradeSeq;
  }

  /** Moves virtual time to `t`, performing everything due on the way. */
  advanceTo(t: number): void {
    if (!(t >= this.now)) return;
    for (;;) {
      let best: { at: number; ms: MarketState; funding: boolean } | undefined;
      for (const ms of this.markets.values()) {
        const f = ms.feed.nextTime();
        if (f !== undefined && f <= t && (best === undefined || f < best.at)) best = { at: f, ms, funding: false };
        const s = ms.funding.nextSettlement();
        if (s !== undefined && s <= t && (best === undefined || s < best.at)) best = { at: s, ms, funding: true };
        if (f === undefined && !ms.ended) {
          ms.ended = true;
          this.sink.log({ type: 'market-end', time: this.now, symbol: ms.spec.symbol });
        }
      }
      if (best === undefined) break;
      this.now = Math.max(this.now, best.at);
      if (best.funding) {
        settleFunding(this, best.ms);
        checkLiquidation(this, best.ms); // the payment moved the wallet, so the liquidation price
      } else this.process(best.ms, best.ms.feed.step());
    }
    this.now = t;
  }

  private process(ms: MarketState, events: readonly FeedEvent[]): void {
    const spec = ms.spec;
    const tp = ms.topics;
    for (const e of events) {
      switch (e.kind) {
        case 'depth': {
          ms.consumed = { bids: new Map(), asks: new Map() };
          if (this.sink.wants(tp.depth)) this.sink.market(tp.depth, e.raw ?? ws.depthUpdate(spec, e.ts, e.U, e.u, e.pu, e.bids, e.asks));
          for (const [n, topic] of tp.depthN) {
            if (!this.sink.wants(topic)) continue;
            const top = ws.depthLevels(ms.feed.book, spec, n);
            this.sink.market(topic, { e: 'depthUpdate', E: e.ts, T: e.ts, s: spec.symbol, U: e.U, u: e.u, pu: e.pu, b: top.bids, a: top.asks });
          }
          onBookChange(this, ms);
          break;
        }
        case 'bookTicker': {
          if (!this.sink.wants(tp.bookTicker) && !this.sink.wants('!bookTicker')) break;
          const msg = e.raw ?? ws.bookTicker(ms.feed.book, spec, e.ts);
          this.sink.market(tp.bookTicker, msg);
          this.sink.market('!bookTicker', msg);
          break;
        }
        case 'trade': {
          const t: PublicTrade = { id: e.id, ts: e.ts, price: e.price, qty: e.qty, buyerMaker: e.buyerMaker };
          ms.recent.push(t);
          if (ms.recent.length > RECENT) ms.recent.splice(0, ms.recent.length - RECENT);
          this.publishPrint(ms, e);
          onPublicTrade(this, ms, t);
          checkLiquidation(this, ms);
          this.tickers(ms, e.ts);
          break;
        }
        case 'bar':
          this.klines(ms, e.ts, e.barTime, e.closed);
          break;
      }
    }
  }

  /** A public print on the trade / aggTrade streams; a spike bends the wire price only (matching, the mark and REST keep the true one). */
  private publishPrint(ms: MarketState, e: Extract<FeedEvent, { kind: 'trade' }>): void {
    const spec = ms.spec;
    const wire = [['trade', ms.topics.trade] as const, ['aggTrade', ms.topics.aggTrade] as const].filter(([, topic]) => this.sink.wants(topic));
    if (wire.length === 0) return;
    const kinds = wire.map(([k]) => k);
    const spike = this.sink.spike(spec.symbol, kinds, e.price, spec.tick, `trade #${e.id}`);
    for (const [kind, topic] of wire) {
      const px = spike?.streams.has(kind) === true ? spike.price : e.price;
      const msg = kind === 'trade' ? ws.tradeEvent(spec, e.ts, e.id, px, e.qty, e.buyerMaker) : ws.aggTradeEvent(spec, e.ts, e.id, px, e.qty, e.buyerMaker);
      // An L2 recording's own trade message goes out verbatim (but for a spiked price).
      this.sink.market(topic, kind === 'trade' && e.raw !== undefined ? (px === e.price ? e.raw : { ...e.raw, p: msg['p'] }) : msg);
    }
  }

  private klines(ms: MarketState, ts: number, barTime: number, closed: boolean): void {
    const src = ms.feed.bars;
    for (const { name, topic, ms: I } of ms.topics.klines) {
      if (!this.sink.wants(topic)) continue;
      const t = Math.floor(barTime / I) * I;
      const bar = barAt(src, I, t);
      if (bar === undefined) continue;
      const x = closed && barTime + src.interval === t + I;
      const f = { priceDecimals: ms.spec.tickDecimals, qtyDecimals: ms.spec.stepDecimals };
      // Only a closing kline is spiked: it is the bar a client keeps (earlier updates are overwritten).
      const spike = x ? this.sink.spike(ms.spec.symbol, ['kline'], bar.c, ms.spec.tick, `kline_${name} ${new Date(t).toISOString()} close`) : undefined;
      const row = spike === undefined ? bar : { ...bar, c: spike.price, h: maxx(bar.h, spike.price), l: minx(bar.l, spike.price) };
      this.sink.market(topic, { e: 'kline', E: ts, s: ms.spec.symbol, k: klinePayload(row, I, name, ms.spec.symbol, x, f) });
    }
  }

  /** markPrice / miniTicker / ticker: at most once per virtual second, on a price change. */
  private tickers(ms: MarketState, ts: number): void {
    const sec = Math.floor(ts / 1000);
    if (sec <= ms.lastTickerSecond) return;
    ms.lastTickerSecond = sec;
    this.publishMark(ms, ts);
    const tp = ms.topics;
    const wantMini = this.sink.wants(tp.miniTicker) || this.sink.wants('!miniTicker@arr');
    const wantFull = this.sink.wants(tp.ticker) || this.sink.wants('!ticker@arr');
    if (!wantMini && !wantFull) return;
    const st = stats24h(ms.feed.bars, ts, ms.feed.lastPrice());
    if (wantMini) {
      const m = ws.miniTicker(ms.spec, ts, st);
      this.sink.market(tp.miniTicker, m);
      this.sink.market('!miniTicker@arr', [m]);
    }
    if (wantFull) {
      const m = ws.ticker24(ms.spec, ts, st, ms.recent[ms.recent.length - 1]?.qty ?? 0n);
      this.sink.market(tp.ticker, m);
      this.sink.market('!ticker@arr', [m]);
    }
  }

  publishMark(ms: MarketState, ts: number): void {
    const topic = ms.topics.markPrice;
    if (!this.sink.wants(topic) && !this.sink.wants('!markPrice@arr')) return;
    const m = ws.markPriceUpdate(ms.spec, ts, ms.feed.lastPrice(), ms.funding.rate(), ms.funding.nextFundingTime(ts));
    this.sink.market(topic, m);
    this.sink.market('!markPrice@arr', [m]);
  }

  positionView(ms: MarketState): PositionView {
    const p = this.account.position(ms.spec.symbol);
    const mark = ms.feed.lastPrice();
    const lev = int(ms.leverage);
    const notional = mul(p.qty, mark);
    let bid = 0n;
    let ask = 0n;
    let ooim = 0n;
    for (const o of this.orders.open(ms.spec.symbol)) {
      const n = mul(remaining(o), o.type === 'LIMIT' ? o.price : mark);
      if (o.side === 'BUY') bid += n;
      else ask += n;
      if (!o.reduceOnly) ooim += div(n, lev);
    }
    return {
      position: p,
      spec: ms.spec,
      mark,
      unrealized: this.account.unrealized(ms.spec.symbol, mark),
      notional,
      initialMargin: div(abs(notional), lev),
      maintMargin: maintMargin(ms.spec, notional),
      liquidationPrice: liquidationPriceOf(this, ms),
      openOrderInitialMargin: ooim,
      leverage: ms.leverage,
      bidNotional: bid,
      askNotional: ask,
    };
  }

  accountView(): AccountView {
    const positions = [...this.markets.values()].map((ms) => this.positionView(ms));
    let unrealized = 0n;
    let pim = 0n;
    let ooim = 0n;
    let mm = 0n;
    for (const v of positions) {
      unrealized += v.unrealized;
      pim += v.initialMargin;
      ooim += v.openOrderInitialMargin;
      mm += v.maintMargin;
    }
    const a = this.account;
    return {
      wallet: a.wallet,
      unrealized,
      positionInitialMargin: pim,
      openOrderInitialMargin: ooim,
      maintMargin: mm,
      available: a.wallet + unrealized - pim - ooim,
      updateTime: a.updateTime,
      positions,
    };
  }

  /** Open orders and positions exist for this symbol (v3 positionRisk lists only those). */
  active(symbol: string): boolean {
    return (this.account.positions.get(symbol)?.qty ?? 0n) !== 0n || this.orders.hasOpen(symbol);
  }
}
