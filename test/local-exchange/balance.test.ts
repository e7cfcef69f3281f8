/**
 * GET /fapi/v2/balance and /fapi/v3/balance: Binance's shape (one row per asset), signed, weight 5,
 * and the same figures as the account endpoint, through ccxt's real implicit methods
 * (`fapiPrivateV2GetBalance`, `fapiPrivateV3GetBalance`) as well as raw requests.
 */
import { describe, expect, it } from 'vitest';
import type { LocalExchange } from '../../src/local-exchange/index.ts';
import { BTC, raw, withLocalExchange, type Client } from './kit.ts';

let lx: LocalExchange;
let ex: Client;
withLocalExchange({ mode: 'manual', startingBalance: 5000 }, (a, b) => {
  lx = a;
  ex = b;
});

type Row = Record<string, unknown>;
const KEYS = ['accountAlias', 'asset', 'balance', 'crossWalletBalance', 'crossUnPnl', 'availableBalance', 'maxWithdrawAmount', 'marginAvailable', 'updateTime'];
const implicit = (c: Client, name: 'fapiPrivateV2GetBalance' | 'fapiPrivateV3GetBalance'): Promise<Row[]> => (c as unknown as Record<string, () => Promise<Row[]>>)[name]!();

describe('futures account balance', () => {
  it('agrees with /fapi/v2/account, with a position (uPnL) and a resting order (open-order margin)', async () => {
    await ex.createOrder(BTC, 'market', 'buy', 0.05);
    const last = (await ex.fetchTicker(BTC)).last as number;
    await ex.createOrder(BTC, 'limit', 'buy', 0.02, Math.round(last * 0.97));
    lx.advance(7 * 60_000);

    const account = (await raw(lx, 'GET', '/fapi/v2/account', {}, { signed: true })).json as { assets: Row[] };
    const usdt = account.assets[0] as Row;
    expect(Number(usdt['unrealizedProfit'])).not.toBe(0);
    expect(Number(usdt['availableBalance'])).toBeLessThan(Number(usdt['walletBalance']));

    const v2 = await raw(lx, 'GET', '/fapi/v2/balance', {}, { signed: true });
    expect(v2.status).toBe(200);
    const rows = v2.json as Row[];
    expect(rows).toHaveLength(1);
    const row = rows[0] as Row;
    expect(Object.keys(row)).toEqual(KEYS);
    expect(row).toEqual({
      accountAlias: expect.stringMatching(/^[A-Za-z]+$/),
      asset: 'USDT',
      balance: usdt['walletBalance'], // the wallet, without unrealized PnL
      crossWalletBalance: usdt['crossWalletBalance'],
      crossUnPnl: usdt['crossUnPnl'],
      availableBalance: usdt['availableBalance'],
      maxWithdrawAmount: usdt['maxWithdrawAmount'],
      marginAvailable: true,
      updateTime: usdt['updateTime'],
    });
    expect(Number(row['balance'])).toBeCloseTo(Number(lx.state().balances[0]?.walletBalance), 8);
    expect((await raw(lx, 'GET', '/fapi/v3/balance', {}, { signed: true })).json).toEqual(rows);

    // ccxt's own implicit methods reach both versions, signed the way ccxt signs.
    expect(await implicit(ex, 'fapiPrivateV2GetBalance')).toEqual(rows);
    expect(await implicit(ex, 'fapiPrivateV3GetBalance')).toEqual(rows);
    // fetchBalance reads /fapi/v3/account: its free USDT is the same available balance.
    expect(((await ex.fetchBalance()).free as unknown as Record<string, number>)['USDT']).toBe(Number(row['availableBalance']));
  });

  it('is signed (no key: -2015; no signature: -1102) and weighs 5, as on Binance (so do account and positionRisk)', async () => {
    expect((await raw(lx, 'GET', '/fapi/v2/balance')).json).toMatchObject({ code: -2015 });
    const unsigned = await raw(lx, 'GET', '/fapi/v2/balance', { timestamp: String(Date.now()) }, { apiKey: 'local' });
    expect(unsigned.status).toBe(400);
    expect(unsigned.json).toMatchObject({ code: -1102, msg: expect.stringContaining("'signature'") });
    for (const path of ['/fapi/v2/balance', '/fapi/v3/balance', '/fapi/v2/account', '/fapi/v3/account', '/fapi/v2/positionRisk', '/fapi/v3/positionRisk']) {
      const before = Number((await raw(lx, 'GET', '/fapi/v1/ping')).headers.get('x-mbx-used-weight-1m'));
      const used = Number((await raw(lx, 'GET', path, {}, { signed: true })).headers.get('x-mbx-used-weight-1m'));
      expect(used - before === 5 || used === 5).toBe(true); // 5 more, or 5 in a new wall-clock minute
    }
  });
});
