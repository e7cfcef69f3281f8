/**
 * startLocalExchange: the imperative shell. Loads the markets, builds the venue, the fault engine,
 * the WebSocket hub and the REST pipeline, listens on 127.0.0.1, and drives virtual time (a 20 ms
 * pump in realtime mode; only advance()/advanceTo() in manual mode). Every random draw comes from
 * one seeded RNG, forked per concern.
 */
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRng } from '../engine/index.ts';
import { fromNumber } from './decimal.ts';
import { illegal } from './errors.ts';
import type { LocalExchangeEvent } from './events.ts';
import { FaultEngine } from './fault-engine.ts';
import { checkFaultSymbols, FaultScriptError, parseFaultScript, type FaultScript } from './faults.ts';
import { httpHandler } from './http.ts';
import { ListenKeys } from './listen-keys.ts';
import { loadExchangeInfo } from './markets.ts';
import { LocalExchangeOptionError, loadMarkets, resolveOptions, type LocalExchangeOptions } from './options.ts';
import { cancelAll, cancelOrder, closePosition, placeOrder } from './order-entry.ts';
import { UserOutbox } from './outbox.ts';
import { accountRoutes } from './routes-account.ts';
import { orderRoutes } from './routes-orders.ts';
import { publicRoutes } from './routes-public.ts';
import { orderJson } from './shapes.ts';
import { snapshot, type LocalExchangeState } from './state.ts';
import { intervalMs } from './bars.ts';
import { topicOf } from './streams.ts';
import { Venue } from './venue.ts';
import { WsHub } from './ws-hub.ts';

export interface ExternalOrder {
  readonly symbol: string;
  readonly side: 'BUY' | 'SELL';
  readonly type: 'LIMIT' | 'MARKET';
  readonly quantity: number;
  readonly price?: number;
  readonly clientOrderId?: string;
}

export interface LocalExchange {
  /** 'http://127.0.0.1:PORT' */
  readonly url: string;
  /** 'ws://127.0.0.1:PORT/ws' */
  readonly wsUrl: string;
  readonly port: number;
  /** The exchange's virtual clock, epoch ms. */
  serverTime(): number;
  /** Moves virtual time forward by `ms`, performing everything due (in realtime mode: skips ahead). */
  advance(ms: number): void;
  advanceTo(ts: number): void;
  setFaults(f: FaultScript): void;
  /** Changes made "by hand on the website": no faults, user-stream events as a real venue sends them. */
  readonly external: {
    /** Returns the order as GET /fapi/v1/order shows it; throws BinanceError when rejected. */
    placeOrder(o: ExternalOrder): unknown;
    cancelOrder(symbol: string, orderId: number): void;
    cancelAll(symbol: string): void;
    closePosition(symbol: string): void;
  };
  state(): LocalExchangeState;
  /** Terminates every WebSocket connection of a kind at once (a scripted outage); returns how many. */
  dropConnections(kind: 'market' | 'user' | 'any'): number;
  close(): Promise<void>;
}

/** An external order's number as an exact decimal (numbers on a price/lot grid are exact). */
function decimal(x: number, what: string): bigint {
  if (!Number.isFinite(x) || x < 0) throw illegal(what);
  return fromNumber(x);
}

export async function startLocalExchange(options: LocalExchangeOptions = {}): Promise<LocalExchange> {
  const r = resolveOptions(options);
  const counters = { requests: {} as Record<string, number>, internalErrors: [] as string[] };
  const info = loadExchangeInfo();
  const { start, markets } = loadMarkets(r, info, options.startTime);
  const rng = createRng(r.seed);
  const faultRng = rng.fork();
  const keyRng = rng.fork();
  const emit = (e: LocalExchangeEvent): void => {
    try {
      options.onEvent?.(e);
    } catch (err) {
      counters.internalErrors.push(`onEvent: ${err instanceof Error ? err.message : String(err)}`); // an observer never breaks the exchange
    }
  };
  let venueRef: Venue | undefined;
  const faults = new FaultEngine(
    faultRng,
    undefined,
    (kind, detail) => emit({ type: 'fault', time: venueRef?.now ?? start, kind, detail }),
    () => venueRef?.now ?? start,
  );
  const listed = markets.map((m) => m.spec.symbol);
  const setFaults = (f: FaultScript): void => faults.set(checkFaultSymbols(parseFaultScript(f), listed));
  if (options.faults !== undefined) {
    const script = parseFaultScript(options.faults);
    try {
      faults.set(checkFaultSymbols(script, listed));
    } catch (e) {
      // A symbol the markets do not list is an option mismatch (which markets were chosen), not a malformed script.
      throw e instanceof FaultScriptError ? new LocalExchangeOptionError(`option faults: ${e.message}`) : e;
    }
  }
  const symbols = new Set(markets.map((m) => m.spec.symbol.toLowerCase()));
  let keys: ListenKeys | undefined;
  const hub = new WsHub({
    faults,
    topicOf: (name) =>
      topicOf(name, symbols, (s, iv) => {
        const m = markets.find((x) => x.spec.symbol.toLowerCase() === s);
        return m !== undefined && intervalMs(iv, m.feed.bars.interval) !== undefined;
      }),
    listenKeyValid: (k) => keys?.valid(k, r.now()) ?? false,
  });
  const outbox = new UserOutbox(faults, (msg) => hub.user(msg));
  const venue = new Venue(
    { markets, startingBalance: r.startingBalance, leverage: r.leverage, fees: r.fees, start, splitFill: (s) => faults.splitFill(s), fundingFactor: (s) => faults.fundingFactor(s) },
    { wants: (t) => hub.wants(t), market: (t, m) => hub.market(t, m), user: (m, k) => outbox.push(m, k), log: emit, spike: (...a) => faults.spike(...a) },
  );
  venueRef = venue;
  keys = new ListenKeys(keyRng, (k, why) => hub.endUser(k, venue.now, why));
  const listenKeys = keys;

  const wallStart = r.now();
  let offset = 0;
  const realtimeNow = (): number => start + offset + Math.floor((r.now() - wallStart) * r.speed);
  const pump = (): void => {
    try {
      if (r.mode === 'realtime') venue.advanceTo(realtimeNow());
      faults.marketClock();
      listenKeys.sweep(r.now());
    } catch (e) {
      counters.internalErrors.push(`clock: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    }
  };
  venue.advanceTo(start);

  const hanging = new Set<ServerResponse>();
  const server = createServer(
    httpHandler({
      routes: { ...publicRoutes, ...accountRoutes, ...orderRoutes },
      faults,
      outbox,
      apiKey: r.apiKey,
      apiSecret: r.apiSecret,
      wallNow: r.now,
      pump,
      ctx: (p) => ({ v: venue, p, info, keys: listenKeys, fees: r.fees, wallNow: r.now() }),
      counters,
      hanging,
    }),
  );
  // Idle keep-alive sockets are closed by the client first (undici: 4 s; Binance's edge keeps them
  // open longer too), so a request never lands on a socket the server is closing (ECONNRESET).
  server.keepAliveTimeout = 65_000;
  server.on('upgrade', (req, socket, head) => {
    pump();
    if (!hub.upgrade(req, socket, head)) socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(r.port, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const timer = setInterval(pump, 20);

  const moveTo = (ts: number): void => {
    if (!Number.isFinite(ts) || ts < venue.now) throw new RangeError(`cannot move the exchange clock back or to a non-time (now ${venue.now}, asked ${ts})`);
    if (r.mode === 'realtime') {
      offset += ts - realtimeNow();
      pump();
    } else {
      venue.advanceTo(ts);
      faults.marketClock();
    }
  };

  return {
    url: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}/ws`,
    port,
    serverTime: () => {
      pump();
      return venue.now;
    },
    advance: (ms) => {
      if (!(ms >= 0)) throw new RangeError(`advance(${ms}): expected ms >= 0`);
      moveTo(venue.now + ms);
    },
    advanceTo: moveTo,
    setFaults,
    external: {
      placeOrder: (o) => {
        pump();
        const spec = venue.marketOrThrow(o.symbol).spec;
        const order = placeOrder(venue, {
          symbol: o.symbol,
          side: o.side,
          type: o.type,
          timeInForce: 'GTC',
          quantity: decimal(o.quantity, 'quantity'),
          reduceOnly: false,
          origin: 'external',
          ...(o.price === undefined ? {} : { price: decimal(o.price, 'price') }),
          ...(o.clientOrderId === undefined ? {} : { clientOrderId: o.clientOrderId }),
        });
        return orderJson(order, spec, true);
      },
      cancelOrder: (s, id) => {
        pump();
        cancelOrder(venue, s, { orderId: id });
      },
      cancelAll: (s) => {
        pump();
        cancelAll(venue, s);
      },
      closePosition: (s) => {
        pump();
        closePosition(venue, s);
      },
    },
    state: () => snapshot(venue, { ...counters, faults: faults.fired, userEventsSent: outbox.delivered }, hub.stats()),
    dropConnections: (kind) => {
      const n = hub.dropAll(kind);
      faults.count(`ws-drop-${kind}`, `${n} connection(s) terminated by dropConnections`);
      return n;
    },
    close: async () => {
      clearInterval(timer);
      for (const res of hanging) res.socket?.destroy();
      hanging.clear();
      await hub.close();
      server.closeAllConnections();
      await new Promise<void>((res) => server.close(() => res()));
    },
  };
}
