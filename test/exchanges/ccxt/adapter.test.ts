import ccxt from 'ccxt';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HaltError, OrderRejectedError, RetryableError, type MarketData } from '../../../src/engine/index.ts';
import { CcxtMarketData, LOCAL_DEMO_CREDENTIALS, mapCcxtError, readKeyFile, redact, redactRecord, resolveCredentials, type CcxtClient } from '../../../src/exchanges/ccxt/index.ts';
import { localVenue, settle, type LocalVenue } from '../../kit/local-venue.ts';

describe('ccxt error mapping', () => {
  const E = ccxt as unknown as Record<string, new (m: string) => Error>;
  const cases: [string, string, unknown][] = [
    ['RequestTimeout', 'binanceusdm GET timed out', RetryableError],
    ['ExchangeNotAvailable', 'binanceusdm 503', RetryableError],
    ['DDoSProtection', 'binanceusdm 429 {"code":-1003,"msg":"Too many requests"}', RetryableError],
    ['InvalidNonce', 'binanceusdm {"code":-1021,"msg":"Timestamp outside"}', RetryableError],
    ['AuthenticationError', 'binanceusdm {"code":-2015,"msg":"Invalid API-key"}', HaltError],
    ['BadSymbol', 'binanceusdm {"code":-1121,"msg":"Invalid symbol."}', HaltError],
    ['InsufficientFunds', 'binanceusdm {"code":-2019,"msg":"Margin is insufficient."}', OrderRejectedError],
    ['InvalidOrder', 'binanceusdm {"code":-4164,"msg":"Order\'s notional must be no smaller than 5"}', OrderRejectedError],
    ['OrderNotFound', 'binanceusdm {"code":-2011,"msg":"Unknown order sent."}', OrderRejectedError],
  ];
  for (const [cls, msg, expected] of cases) {
    it(`${cls} -> ${(expected as { name: string }).name}`, () => {
      const C = E[cls] as new (m: string) => Error;
      const mapped = mapCcxtError(new C(msg), { 'Retry-After': '3' });
      expect(mapped).toBeInstanceOf(expected as new () => unknown);
      if (cls === 'DDoSProtection') expect(mapped).toMatchObject({ rateLimited: true, retryAfterMs: 3000 });
      if (cls === 'InsufficientFunds') expect(mapped.message).toBe('Margin is insufficient.');
    });
  }
  it('plain socket failures are retryable', () => {
    expect(mapCcxtError(new Error('connect ECONNREFUSED 127.0.0.1:1'))).toBeInstanceOf(RetryableError);
  });
});

describe('credentials', () => {
  const dir = mkdtempSync(join(tmpdir(), 'parity-cred-'));
  it('reads a 0600 key file as JSON or two lines', () => {
    const a = join(dir, 'a.json');
    writeFileSync(a, JSON.stringify({ apiKey: 'KEY123', secret: 'SECRET456' }));
    chmodSync(a, 0o600);
    expect(readKeyFile(a)).toEqual({ apiKey: 'KEY123', secret: 'SECRET456' });
    const b = join(dir, 'b.txt');
    writeFileSync(b, 'KEY123\nSECRET456\n');
    chmodSync(b, 0o600);
    expect(readKeyFile(b)).toEqual({ apiKey: 'KEY123', secret: 'SECRET456' });
  });
  it('refuses half a pair from the environment', () => {
    expect(() => resolveCredentials(undefined, { PARITY_API_KEY: 'x' })).toThrow(/both PARITY_API_KEY and PARITY_API_SECRET/);
    expect(resolveCredentials(undefined, {})).toBeUndefined();
  });
  it('masks the secrets in any text', () => {
    expect(redact('signed with SECRET456 for KEY123', { apiKey: 'KEY123', secret: 'SECRET456' })).toBe('signed with *** for ***');
  });
  it('masks the secrets anywhere in a log record, and leaves records alone when there are none', () => {
    const r = { kind: 'halt', message: 'key KEY123 refused', details: { url: 'https://x/?signature=SECRET456' } };
    expect(redactRecord(r, { apiKey: 'KEY123', secret: 'SECRET456' })).toEqual({ kind: 'halt', message: 'key *** refused', details: { url: 'https://x/?signature=***' } });
    expect(redactRecord(r, undefined)).toBe(r);
    expect(redactRecord(r, LOCAL_DEMO_CREDENTIALS)).toBe(r);
  });
});

describe('market data without WebSocket: REST polling through the limiter', () => {
  let v: LocalVenue;
  beforeAll(async () => {
    v = await localVenue({}, ['XRPUSDT']);
  });
  afterAll(async () => v.close());

  it('polls candles and emits each one once it has closed', async () => {
    const noWs = new Proxy(v.conn.client, {
      get: (t, k) => (k === 'has' ? { ...t.has, watchOHLCV: false, watchTrades: false, watchBidsAsks: false, watchMarkPrice: false } : Reflect.get(t, k)),
    }) as CcxtClient;
    const r = Object.create(v.conn.requester, { client: { value: noWs } }) as typeof v.conn.requester;
    const md = new CcxtMarketData(r, v.conn.marketIndex, () => undefined, 50);
    const got: MarketData[] = [];
    const before = v.lx.state().counters.requests['/fapi/v1/klines'] ?? 0;
    await md.subscribe({ symbols: [...v.conn.markets.values()].map((m) => m.symbol), barInterval: 300_000 }, (d) => got.push(d));
    for (let i = 0; i < 4; i++) {
      v.lx.advance(300_000);
      await settle(150);
    }
    await md.close();
    const bars = got.filter((d) => d.type === 'bar');
    expect(bars.length).toBeGreaterThanOrEqual(3);
    expect(new Set(bars.map((b) => b.tsEvent)).size).toBe(bars.length);
    expect((v.lx.state().counters.requests['/fapi/v1/klines'] ?? 0) - before).toBeGreaterThan(3);
  });
});
