/**
 * Private account endpoints: account (v2/v3), balance (v2/v3), positionRisk (v2/v3), leverageBracket,
 * commissionRate, accountConfig, leverage, marginType, positionSide/dual, userTrades, income and
 * the listenKey lifecycle. One-way mode and cross margin only; leverage is per symbol.
 */
import { fmt } from './decimal.ts';
import { BinanceError, err, invalidValue, mandatory } from './errors.ts';
import type { RouteTable } from './router.ts';
import { marketParam, marketsParam, window } from './routes-public.ts';
import { accountJson, balanceJson, bracketJson, incomeJson, positionRiskJson, userTradeJson } from './shapes.ts';

const positionRisk = (v2: boolean): RouteTable[string] => ({
  auth: 'signed',
  handle: (c) =>
    marketsParam(c)
      .filter((ms) => c.v.active(ms.spec.symbol) || c.p.str('symbol') !== undefined)
      .map((ms) => {
        const row = positionRiskJson(c.v.positionView(ms));
        if (!v2) return row;
        // v2 shape: nautilus-rust-docs/futures/http_json/position_risk.json
        const pick = (k: string): unknown => row[k];
        return {
          symbol: pick('symbol'),
          positionAmt: pick('positionAmt'),
          entryPrice: pick('entryPrice'),
          markPrice: pick('markPrice'),
          unRealizedProfit: pick('unRealizedProfit'),
          liquidationPrice: pick('liquidationPrice'),
          leverage: String(ms.leverage),
          maxNotionalValue: '1000000000',
          marginType: 'cross',
          isolatedMargin: pick('isolatedMargin'),
          isAutoAddMargin: 'false',
          positionSide: 'BOTH',
          notional: pick('notional'),
          isolatedWallet: '0',
          updateTime: pick('updateTime'),
          breakEvenPrice: pick('breakEvenPrice'),
        };
      }),
});

export const accountRoutes: RouteTable = {
  'GET /fapi/v3/account': { auth: 'signed', handle: (c) => accountJson(c.v.accountView()) },
  'GET /fapi/v2/account': { auth: 'signed', handle: (c) => accountJson(c.v.accountView()) },
  'GET /fapi/v3/balance': { auth: 'signed', handle: (c) => balanceJson(c.v.accountView()) },
  'GET /fapi/v2/balance': { auth: 'signed', handle: (c) => balanceJson(c.v.accountView()) },
  'GET /fapi/v3/positionRisk': positionRisk(false),
  'GET /fapi/v2/positionRisk': positionRisk(true),
  'GET /fapi/v1/leverageBracket': {
    auth: 'signed',
    handle: (c) => {
      const rows = marketsParam(c).map((ms) => bracketJson(ms.spec));
      return c.p.str('symbol') === undefined ? rows : rows[0];
    },
  },
  'GET /fapi/v1/commissionRate': {
    auth: 'signed',
    handle: (c) => ({ symbol: marketParam(c).spec.symbol, makerCommissionRate: fmt(c.fees.maker), takerCommissionRate: fmt(c.fees.taker) }),
  },
  'GET /fapi/v1/accountConfig': {
    auth: 'signed',
    handle: () => ({ feeTier: 0, canTrade: true, canDeposit: true, canWithdraw: true, dualSidePosition: false, updateTime: 0, multiAssetsMargin: false, tradeGroupId: -1 }),
  },
  'POST /fapi/v1/leverage': {
    auth: 'signed',
    handle: (c) => {
      const ms = marketParam(c);
      const lev = c.p.int('leverage');
      if (lev === undefined) throw mandatory('leverage');
      if (lev < 1 || lev > 125) throw new BinanceError(-4028, `Leverage ${lev} is not valid`);
      ms.leverage = lev;
      return { leverage: lev, maxNotionalValue: '1000000000', symbol: ms.spec.symbol };
    },
  },
  'POST /fapi/v1/marginType': {
    auth: 'signed',
    handle: (c) => {
      marketParam(c);
      const t = c.p.required('marginType');
      if (t === 'CROSSED') throw err(-4046);
      throw invalidValue('marginType'); // isolated margin is not simulated
    },
  },
  'GET /fapi/v1/positionSide/dual': { auth: 'signed', handle: () => ({ dualSidePosition: false }) },
  'POST /fapi/v1/positionSide/dual': {
    auth: 'signed',
    handle: (c) => {
      if (c.p.bool('dualSidePosition') === false) throw err(-4059);
      throw invalidValue('dualSidePosition'); // hedge mode is not simulated
    },
  },
  'GET /fapi/v1/userTrades': {
    auth: 'signed',
    handle: (c) => {
      const ms = marketParam(c);
      const orderId = c.p.int('orderId');
      const rows = c.v.account.trades.filter((t) => t.symbol === ms.spec.symbol && (orderId === undefined || t.orderId === orderId));
      return window(rows, c, (t) => t.time, 500, 1000, { param: 'fromId', of: (t) => t.id }).map((t) => userTradeJson(t, ms.spec));
    },
  },
  'GET /fapi/v1/income': {
    auth: 'signed',
    handle: (c) => {
      const sym = c.p.str('symbol');
      if (sym !== undefined) marketParam(c);
      const type = c.p.str('incomeType');
      const rows = c.v.account.income.filter((r) => (sym === undefined || r.symbol === sym) && (type === undefined || r.incomeType === type));
      return window(rows, c, (r) => r.time, 100, 1000).map(incomeJson);
    },
  },
  'POST /fapi/v1/listenKey': { auth: 'key', handle: (c) => ({ listenKey: c.keys.create(c.wallNow) }) },
  'PUT /fapi/v1/listenKey': { auth: 'key', handle: (c) => ({ listenKey: c.keys.keepAlive(c.wallNow, c.p.str('listenKey')) }) },
  'DELETE /fapi/v1/listenKey': {
    auth: 'key',
    handle: (c) => {
      c.keys.remove(c.p.str('listenKey'));
      return {};
    },
  },
};
