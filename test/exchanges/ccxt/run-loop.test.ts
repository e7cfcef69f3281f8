/** The venue loops (user stream, market data) and the helpers every part of the ccxt adapter shares. */
import ccxt from 'ccxt';
import type { Order, Trade } from 'ccxt';
import { describe, expect, it } from 'vitest';
import { HaltError, OrderRejectedError, type Instrument } from '../../../src/engine/index.ts';
import { header, indexMarkets, isDuplicateClientId, isOrderNotFound, mapCcxtError, runLoop, UserStream, type Requester, type VenueMarket } from '../../../src/exchanges/ccxt/index.ts';

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));
const E = ccxt as unknown as Record<string, new (m: string) => Error>;
const ccxtError = (cls: string, msg: string): Error => new (E[cls] as new (m: string) => Error)(msg);

describe('user stream loops', () => {
  it('each loop backs off on its own: a failing loop keeps backing off while the other succeeds', async () => {
    const backoffs: number[] = [];
    let trades = 0;
    let stream: UserStream | undefined;
    const requester = {
      client: {
        watchOrders: async (): Promise<Order[]> => {
          await tick();
          throw ccxtError('NetworkError', 'binanceusdm connection closed');
        },
        watchMyTrades: async (): Promise<Trade[]> => {
          await tick();
          trades++;
          return [];
        },
      },
      async sleep(ms: number): Promise<void> {
        backoffs.push(ms);
        if (backoffs.length === 7) stream?.stop();
        await tick();
      },
      now: () => 0,
    } as unknown as Pick<Requester, 'client' | 'sleep' | 'now'>;
    stream = new UserStream(requester, { onOrderUpdate: () => undefined, onTrade: () => undefined }, () => undefined);
    stream.start();
    for (let i = 0; i < 40 && backoffs.length < 7; i++) await tick();
    expect(backoffs).toEqual([250, 500, 1000, 2000, 4000, 8000, 8000]);
    expect(trades).toBeGreaterThanOrEqual(7); // the trades loop succeeded all along
    expect(stream.lastError).toMatch(/connection closed/);
  });

  it('a refused key halts the stream once, and neither loop calls the venue again', async () => {
    const halts: HaltError[] = [];
    let calls = 0;
    const refuse = async (): Promise<never> => {
      calls++;
      await tick();
      throw ccxtError('AuthenticationError', 'binanceusdm {"code":-2015,"msg":"Invalid API-key"}');
    };
    const requester = { client: { watchOrders: refuse, watchMyTrades: refuse }, sleep: () => tick(), now: () => 0 } as unknown as Pick<Requester, 'client' | 'sleep' | 'now'>;
    const stream = new UserStream(requester, { onOrderUpdate: () => undefined, onTrade: () => undefined }, (e) => halts.push(e));
    stream.start();
    for (let i = 0; i < 10; i++) await tick();
    expect(calls).toBe(2);
    expect(halts).toHaveLength(1);
    expect(halts[0]).toBeInstanceOf(HaltError);
    expect(halts[0]?.message).toMatch(/refused the API key/);
    expect(stream.connected).toBe(false);
  });
});

describe('user stream health', () => {
  it('a quiet account (watches waiting, no error) reads connected after the grace; a failing watch reads down', async () => {
    let now = 0;
    let fail = false;
    const quiet = async (): Promise<never> => {
      for (;;) {
        await tick();
        if (fail) throw ccxtError('NetworkError', 'connection closed by remote server');
      }
    };
    const requester = { client: { watchOrders: quiet, watchMyTrades: quiet }, sleep: () => tick(), now: () => now } as unknown as Pick<Requester, 'client' | 'sleep' | 'now'>;
    const stream = new UserStream(requester, { onOrderUpdate: () => undefined, onTrade: () => undefined }, () => undefined, 3000);
    expect(stream.connected).toBe(false);
    stream.start();
    await tick();
    now = 1000;
    expect(stream.connected).toBe(false); // still connecting
    now = 3500;
    expect(stream.connected).toBe(true); // idle, but nothing failed: the user stream is up
    fail = true;
    for (let i = 0; i < 5; i++) await tick();
    expect(stream.connected).toBe(false);
    // Reconnected: quiet again, up once the new watch has waited the grace without failing.
    fail = false;
    for (let i = 0; i < 5; i++) await tick();
    now = 5000;
    expect(stream.connected).toBe(false);
    now = 9000;
    expect(stream.connected).toBe(true);
    stream.stop();
  });
});

describe('runLoop', () => {
  it('resets its backoff after a success, reports each round, and ends when the owner stops', async () => {
    const script = ['fail', 'fail', 'ok', 'fail', 'stop'];
    const backoffs: number[] = [];
    const statuses: (string | undefined)[] = [];
    let running = true;
    await runLoop({
      sleep: async (ms) => void backoffs.push(ms),
      running: () => running,
      once: async () => {
        const step = script.shift();
        if (step === 'stop') running = false;
        else if (step === 'fail') throw ccxtError('RequestTimeout', 'binanceusdm timed out');
      },
      onStatus: (e) => statuses.push(e?.name),
      onHalt: () => expect.unreachable(),
    });
    expect(backoffs).toEqual([250, 500, 250]);
    expect(statuses).toEqual(['RetryableError', 'RetryableError', undefined, 'RetryableError', undefined]);
  });
});

describe('order lookups', () => {
  const notFound = 'binanceusdm {"code":-2013,"msg":"Order does not exist."}';
  it('"order not found" is recognised before and after mapping, by code, class or the venue text', () => {
    expect(isOrderNotFound(ccxtError('OrderNotFound', notFound))).toBe(true);
    expect(isOrderNotFound(mapCcxtError(ccxtError('OrderNotFound', notFound)))).toBe(true);
    expect(isOrderNotFound(mapCcxtError(ccxtError('OrderNotFound', 'binanceusdm {"code":-2011,"msg":"Unknown order sent."}')))).toBe(true);
    expect(isOrderNotFound(mapCcxtError(ccxtError('OrderNotFound', 'gone')))).toBe(true); // no code: by class
    expect(isOrderNotFound(new OrderRejectedError('Order does not exist.'))).toBe(true); // by the text alone
    expect(isOrderNotFound(mapCcxtError(ccxtError('InsufficientFunds', 'binanceusdm {"code":-2019,"msg":"Margin is insufficient."}')))).toBe(false);
  });
  it('"duplicate client id" is recognised after mapping too', () => {
    const dup = ccxtError('InvalidOrder', 'binanceusdm {"code":-4116,"msg":"ClientOrderId is duplicated."}');
    expect(isDuplicateClientId(dup)).toBe(true);
    expect(isDuplicateClientId(mapCcxtError(dup))).toBe(true);
    expect(isDuplicateClientId(mapCcxtError(ccxtError('InvalidOrder', 'binanceusdm {"code":-4164,"msg":"notional"}')))).toBe(false);
  });
  it('headers are found whatever their case', () => {
    expect(header({ 'X-MBX-USED-WEIGHT-1M': '12' }, 'x-mbx-used-weight-1m')).toBe('12');
    expect(header({ 'retry-after': '2' }, 'Retry-After')).toBe('2');
    expect(header(undefined, 'retry-after')).toBeUndefined();
    expect(mapCcxtError(ccxtError('RateLimitExceeded', 'slow down'), { 'RETRY-AFTER': '2' })).toMatchObject({ retryAfterMs: 2000 });
  });
});

describe('market index', () => {
  const m = { symbol: 'BTCUSDT', ccxtSymbol: 'BTC/USDT:USDT', instrument: {} as Instrument } as VenueMarket;
  const index = indexMarkets([m, m]);
  it('looks a market up by either name', () => {
    expect(index.bySymbol.size).toBe(1);
    expect(index.market('BTCUSDT')).toBe(m);
    expect(index.byCcxtSymbol('BTC/USDT:USDT')).toBe(m);
    expect(index.byCcxtSymbol('ETH/USDT:USDT')).toBeUndefined();
    expect(index.byCcxtSymbol(undefined)).toBeUndefined();
  });
  it('an unknown symbol is a HaltError that says what to do', () => {
    expect(() => index.market('ETHUSDT')).toThrow(HaltError);
    expect(() => index.market('ETHUSDT')).toThrow(/ETHUSDT is not set up.*set up: BTCUSDT.*add it to the run's symbols/);
  });
});
