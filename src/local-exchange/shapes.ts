/**
 * REST response shapes, field for field as the real samples in
 * /work/shared/data/binance-api-samples show them (see docs/dev/ccxt-binanceusdm-surface.md §7):
 * order_response.json (orders), http_futures_account_trades.json (user trades),
 * account_info_v2.json (account), the v3 positionRisk comment in ccxt's binance.js (positions),
 * the parseIncome comment (income). Pure functions of the exchange's state.
 */
import type { IncomeRecord, Position, UserTrade } from './account.ts';
import { div, fmt, fmtAvg, type Fixed } from './decimal.ts';
import type { MarketSpec } from './markets.ts';
import type { Order } from './orders.ts';

export function avgPrice(o: Order): Fixed {
  return o.executedQty === 0n ? 0n : div(o.cumQuote, o.executedQty);
}

/** An order object. `withTime`: GET-style (time + updateTime); POST/PUT/DELETE carry updateTime only. */
export function orderJson(o: Order, spec: MarketSpec, withTime: boolean): Record<string, unknown> {
  const base: Record<string, unknown> = {
    orderId: o.orderId,
    symbol: o.symbol,
    status: o.status,
    clientOrderId: o.clientOrderId,
    price: fmt(o.price, spec.tickDecimals),
    avgPrice: o.executedQty === 0n ? fmt(0n, spec.tickDecimals) : fmtAvg(avgPrice(o)),
    origQty: fmt(o.origQty, spec.stepDecimals),
    executedQty: fmt(o.executedQty, spec.stepDecimals),
    cumQuote: fmt(o.cumQuote, spec.tickDecimals),
    timeInForce: o.timeInForce,
    type: o.type,
    reduceOnly: o.reduceOnly,
    closePosition: false,
    side: o.side,
    positionSide: 'BOTH',
    stopPrice: fmt(0n, spec.tickDecimals),
    workingType: 'CONTRACT_PRICE',
    priceProtect: false,
    origType: o.type,
    priceMatch: 'NONE',
    selfTradePreventionMode: 'NONE',
    goodTillDate: 0,
  };
  if (withTime) base['time'] = o.time;
  base['updateTime'] = o.updateTime;
  return base;
}

export function userTradeJson(t: UserTrade, spec: MarketSpec): Record<string, unknown> {
  return {
    symbol: t.symbol,
    id: t.id,
    orderId: t.orderId,
    side: t.side,
    price: fmt(t.price, spec.tickDecimals),
    qty: fmt(t.qty, spec.stepDecimals),
    realizedPnl: fmt(t.realizedPnl, 8),
    marginAsset: 'USDT',
    quoteQty: fmt(t.quoteQty, spec.tickDecimals),
    commission: fmt(t.commission, 8),
    commissionAsset: 'USDT',
    time: t.time,
    positionSide: 'BOTH',
    buyer: t.side === 'BUY',
    maker: t.maker,
  };
}

export function incomeJson(r: IncomeRecord): Record<string, unknown> {
  return { symbol: r.symbol, incomeType: r.incomeType, income: fmt(r.income, 8), asset: r.asset, info: r.info, time: r.time, tranId: r.tranId, tradeId: r.tradeId };
}

/** What the margin figures of one position are at the current mark. */
export interface PositionView {
  readonly position: Position;
  readonly spec: MarketSpec;
  readonly mark: Fixed;
  readonly unrealized: Fixed;
  readonly notional: Fixed;
  readonly initialMargin: Fixed;
  readonly maintMargin: Fixed;
  /** 0 when the position has none. */
  readonly liquidationPrice: Fixed;
  readonly openOrderInitialMargin: Fixed;
  readonly leverage: number;
  readonly bidNotional: Fixed;
  readonly askNotional: Fixed;
}

/** A /fapi/v3/positionRisk row (shape from the comment in ccxt's binance.js fetchPositionsRisk). */
export function positionRiskJson(v: PositionView): Record<string, unknown> {
  const p = v.position;
  return {
    symbol: p.symbol,
    positionSide: 'BOTH',
    positionAmt: fmt(p.qty, v.spec.stepDecimals),
    entryPrice: fmtAvg(p.entry),
    breakEvenPrice: fmtAvg(p.entry),
    markPrice: fmt(v.mark, 8),
    unRealizedProfit: fmt(v.unrealized, 8),
    liquidationPrice: v.liquidationPrice === 0n ? '0' : fmt(v.liquidationPrice, v.spec.tickDecimals),
    isolatedMargin: '0',
    notional: fmt(v.notional, 8),
    isolatedWallet: '0',
    updateTime: p.updateTime,
    initialMargin: fmt(v.initialMargin + v.openOrderInitialMargin, 8),
    maintMargin: fmt(v.maintMargin, 8),
    positionInitialMargin: fmt(v.initialMargin, 8),
    openOrderInitialMargin: fmt(v.openOrderInitialMargin, 8),
    adl: 0,
    bidNotional: fmt(v.bidNotional, 8),
    askNotional: fmt(v.askNotional, 8),
    marginAsset: 'USDT',
  };
}

export interface AccountView {
  readonly wallet: Fixed;
  readonly unrealized: Fixed;
  readonly positionInitialMargin: Fixed;
  readonly openOrderInitialMargin: Fixed;
  readonly maintMargin: Fixed;
  readonly available: Fixed;
  readonly updateTime: number;
  readonly positions: readonly PositionView[];
}

/** What can be withdrawn: the available balance, never below 0 nor above the wallet. */
function maxWithdrawOf(a: AccountView): Fixed {
  return a.available < a.wallet ? (a.available > 0n ? a.available : 0n) : a.wallet;
}

/** The account's alias in GET /fapi/v2|v3/balance (Binance: a unique code per account). */
export const ACCOUNT_ALIAS = 'LocalX';

/**
 * GET /fapi/v2/balance and /fapi/v3/balance (the same shape): one row per asset, here USDT only,
 * the figures of the account's `assets[]` entry (balance = wallet balance, without unrealized
 * PnL). Shape of nautilus-rust-docs/futures/http_json/balance.json and Binance's API docs.
 */
export function balanceJson(a: AccountView): Record<string, unknown>[] {
  const m = (v: Fixed): string => fmt(v, 8);
  return [
    {
      accountAlias: ACCOUNT_ALIAS,
      asset: 'USDT',
      balance: m(a.wallet),
      crossWalletBalance: m(a.wallet),
      crossUnPnl: m(a.unrealized),
      availableBalance: m(a.available),
      maxWithdrawAmount: m(maxWithdrawOf(a)),
      marginAvailable: true,
      updateTime: a.updateTime,
    },
  ];
}

/** GET /fapi/v3/account, in the shape of account_info_v2.json. */
export function accountJson(a: AccountView): Record<string, unknown> {
  const m = (v: Fixed): string => fmt(v, 8);
  const im = a.positionInitialMargin + a.openOrderInitialMargin;
  const margin = a.wallet + a.unrealized;
  const maxWithdraw = maxWithdrawOf(a);
  return {
    feeTier: 0,
    canTrade: true,
    canDeposit: true,
    canWithdraw: true,
    updateTime: 0,
    multiAssetsMargin: false,
    tradeGroupId: -1,
    totalInitialMargin: m(im),
    totalMaintMargin: m(a.maintMargin),
    totalWalletBalance: m(a.wallet),
    totalUnrealizedProfit: m(a.unrealized),
    totalMarginBalance: m(margin),
    totalPositionInitialMargin: m(a.positionInitialMargin),
    totalOpenOrderInitialMargin: m(a.openOrderInitialMargin),
    totalCrossWalletBalance: m(a.wallet),
    totalCrossUnPnl: m(a.unrealized),
    availableBalance: m(a.available),
    maxWithdrawAmount: m(maxWithdraw),
    assets: [
      {
        asset: 'USDT',
        walletBalance: m(a.wallet),
        unrealizedProfit: m(a.unrealized),
        marginBalance: m(margin),
        maintMargin: m(a.maintMargin),
        initialMargin: m(im),
        positionInitialMargin: m(a.positionInitialMargin),
        openOrderInitialMargin: m(a.openOrderInitialMargin),
        crossWalletBalance: m(a.wallet),
        crossUnPnl: m(a.unrealized),
        availableBalance: m(a.available),
        maxWithdrawAmount: m(maxWithdraw),
        marginAvailable: true,
        updateTime: a.updateTime,
      },
    ],
    positions: a.positions.map((v) => ({
      symbol: v.position.symbol,
      initialMargin: m(v.initialMargin + v.openOrderInitialMargin),
      maintMargin: m(v.maintMargin),
      unrealizedProfit: m(v.unrealized),
      positionInitialMargin: m(v.initialMargin),
      openOrderInitialMargin: m(v.openOrderInitialMargin),
      leverage: String(v.leverage),
      isolated: false,
      entryPrice: fmtAvg(v.position.entry),
      maxNotional: '1000000000',
      bidNotional: m(v.bidNotional),
      askNotional: m(v.askNotional),
      positionSide: 'BOTH',
      positionAmt: fmt(v.position.qty, v.spec.stepDecimals),
      updateTime: v.position.updateTime,
    })),
  };
}

/**
 * GET /fapi/v1/leverageBracket row: the symbol's real brackets as Binance sends them (no
 * `notionalCoef`: Binance shows it only when an account's brackets were adjusted).
 */
export function bracketJson(spec: MarketSpec): Record<string, unknown> {
  return { symbol: spec.symbol, brackets: spec.brackets.map((b) => ({ ...b })) };
}
