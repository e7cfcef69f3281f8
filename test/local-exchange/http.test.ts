/**
 * The REST edge without ccxt: Binance's signing rules, timestamps on the wall clock, parameter
 * errors as Binance error JSON (never a crash), weight headers, unserved paths.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signBinanceRequest, startLocalExchange, type LocalExchange } from '../../src/local-exchange/index.ts';
import { raw } from './kit.ts';

let lx: LocalExchange;
beforeAll(async () => {
  lx = await startLocalExchange({ mode: 'manual', apiKey: 'k1', apiSecret: 's1', speed: 60 });
});
afterAll(async () => lx.close());

const signed = { signed: true, apiKey: 'k1', secret: 's1' } as const;

describe('signing and timestamps', () => {
  it('accepts a correctly signed request and refuses bad keys, signatures and stale timestamps', async () => {
    expect((await raw(lx, 'GET', '/fapi/v3/account', {}, signed)).status).toBe(200);
    expect((await raw(lx, 'GET', '/fapi/v3/account', {}, { ...signed, apiKey: 'other' })).json).toMatchObject({ code: -2015 });
    expect((await raw(lx, 'GET', '/fapi/v3/account', {}, { ...signed, secret: 'other' })).json).toMatchObject({ code: -1022 });
    expect((await raw(lx, 'GET', '/fapi/v3/account', {}, { ...signed, timestamp: Date.now() - 60_000 })).json).toMatchObject({ code: -1021 });
    expect((await raw(lx, 'GET', '/fapi/v3/account', {}, { ...signed, timestamp: Date.now() + 5_000 })).json).toMatchObject({ code: -1021 });
    expect((await raw(lx, 'GET', '/fapi/v3/account', {}, { apiKey: 'k1' })).json).toMatchObject({ code: -1102 });
  });

  it('verifies the raw query byte for byte (a re-encoded parameter breaks the signature)', async () => {
    const q = `timestamp=${Date.now()}&symbol=BTCUSDT&recvWindow=5000`;
    const sig = signBinanceRequest(q, 's1');
    const ok = await fetch(`${lx.url}/fapi/v1/openOrders?${q}&signature=${sig}`, { headers: { 'X-MBX-APIKEY': 'k1' } });
    expect(ok.status).toBe(200);
    const tampered = await fetch(`${lx.url}/fapi/v1/openOrders?${q.replace('BTCUSDT', 'BTC%55SDT')}&signature=${sig}`, { headers: { 'X-MBX-APIKEY': 'k1' } });
    expect(await tampered.json()).toMatchObject({ code: -1022 });
  });

  it('checks timestamps against the wall clock while the market runs on virtual time', async () => {
    lx.advance(6 * 3_600_000);
    expect((await raw(lx, 'GET', '/fapi/v1/time')).json).toEqual({ serverTime: lx.serverTime() });
    expect((await raw(lx, 'GET', '/fapi/v3/account', {}, signed)).status).toBe(200);
  });
});

describe('malformed requests get Binance errors', () => {
  const order = (p: Record<string, string>) => raw(lx, 'POST', '/fapi/v1/order', p, signed);
  it.each([
    [{ side: 'BUY', type: 'MARKET', quantity: '0.01' }, -1102],
    [{ symbol: 'NOPEUSDT', side: 'BUY', type: 'MARKET', quantity: '0.01' }, -1121],
    [{ symbol: 'BTCUSDT', side: 'UP', type: 'MARKET', quantity: '0.01' }, -1117],
    [{ symbol: 'BTCUSDT', side: 'BUY', type: 'BEST', quantity: '0.01' }, -1116],
    [{ symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: '1e-2' }, -1100],
    [{ symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: '0.0001' }, -1111],
    [{ symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: '0' }, -4003],
    [{ symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: '5000' }, -4005],
    [{ symbol: 'BTCUSDT', side: 'BUY', type: 'LIMIT', quantity: '0.01', price: '50000' }, -1102],
    [{ symbol: 'BTCUSDT', side: 'BUY', type: 'LIMIT', quantity: '0.01', price: '50000.001', timeInForce: 'GTC' }, -1111],
    [{ symbol: 'BTCUSDT', side: 'BUY', type: 'LIMIT', quantity: '0.01', price: '10', timeInForce: 'GTC' }, -4013],
    [{ symbol: 'BTCUSDT', side: 'BUY', type: 'LIMIT', quantity: '0.01', price: '200000', timeInForce: 'GTC' }, -4016],
    [{ symbol: 'BTCUSDT', side: 'BUY', type: 'LIMIT', quantity: '0.01', price: '50000', timeInForce: 'GTD' }, -1115],
    [{ symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: '0.01', price: '1' }, -1106],
    [{ symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: '0.01', positionSide: 'LONG' }, -4061],
    [{ symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: '0.01', newClientOrderId: 'bad id!' }, -4015],
    [{ symbol: 'BTCUSDT', side: 'BUY', type: 'STOP_MARKET', quantity: '0.01' }, -1116],
    [{ symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: '0.01', reduceOnly: 'maybe' }, -1130],
  ])('%j -> %i', async (p, code) => {
    const r = await order(p);
    expect(r.status).toBeGreaterThanOrEqual(400);
    expect(r.json).toMatchObject({ code });
  });

  it('duplicate parameters, garbage bodies and unknown paths', async () => {
    const ts = Date.now();
    const q = `timestamp=${ts}&symbol=BTCUSDT&symbol=XRPUSDT`;
    const dup = await fetch(`${lx.url}/fapi/v1/openOrders?${q}&signature=${signBinanceRequest(q, 's1')}`, { headers: { 'X-MBX-APIKEY': 'k1' } });
    expect(await dup.json()).toMatchObject({ code: -1101 });
    const garbage = await fetch(`${lx.url}/fapi/v1/order`, { method: 'POST', body: '%%%&&&=\u0000', headers: { 'X-MBX-APIKEY': 'k1' } });
    expect(garbage.status).toBe(400);
    expect(await garbage.json()).toHaveProperty('code');
    const missing = await raw(lx, 'GET', '/sapi/v1/capital/config/getall');
    expect(missing.status).toBe(404);
    expect(missing.json).toHaveProperty('msg');
    expect((await raw(lx, 'GET', '/fapi/v1/klines', { symbol: 'BTCUSDT', interval: '7m' })).json).toMatchObject({ code: -1120 });
    expect((await raw(lx, 'GET', '/fapi/v1/klines', { symbol: 'BTCUSDT', interval: '1m', limit: 'x' })).json).toMatchObject({ code: -1100 });
    expect(lx.state().counters.internalErrors).toEqual([]);
  });

  it('reports request weight in X-MBX-USED-WEIGHT-1M', async () => {
    const a = Number((await raw(lx, 'GET', '/fapi/v1/depth', { symbol: 'BTCUSDT', limit: '1000' })).headers.get('x-mbx-used-weight-1m'));
    const b = Number((await raw(lx, 'GET', '/fapi/v1/depth', { symbol: 'BTCUSDT', limit: '1000' })).headers.get('x-mbx-used-weight-1m'));
    expect(b - a === 20 || b === 20).toBe(true); // 20 per call, unless the wall-clock minute turned
  });
});

describe('listen keys', () => {
  it('POST returns the live key, PUT extends it, DELETE ends it', async () => {
    const k1 = (await raw(lx, 'POST', '/fapi/v1/listenKey', {}, { apiKey: 'k1' })).json as { listenKey: string };
    const k2 = (await raw(lx, 'POST', '/fapi/v1/listenKey', {}, { apiKey: 'k1' })).json as { listenKey: string };
    expect(k1.listenKey).toHaveLength(64);
    expect(k2.listenKey).toBe(k1.listenKey);
    expect((await raw(lx, 'PUT', '/fapi/v1/listenKey', {}, { apiKey: 'k1' })).status).toBe(200);
    expect((await raw(lx, 'POST', '/fapi/v1/listenKey', {})).json).toMatchObject({ code: -2015 });
    expect((await raw(lx, 'DELETE', '/fapi/v1/listenKey', {}, { apiKey: 'k1' })).status).toBe(200);
    expect((await raw(lx, 'PUT', '/fapi/v1/listenKey', {}, { apiKey: 'k1' })).json).toMatchObject({ code: -1125 });
  });
});
