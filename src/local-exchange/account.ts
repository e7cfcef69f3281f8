/**
 * The account of the local exchange: one USDT wallet, one-way positions (positionSide BOTH), cross
 * margin. Every amount is an exact fixed-18 decimal: a fill moves the wallet by exactly its
 * realized PnL minus its commission, funding by exactly qty x mark x rate (unless a fault scales it). The records (user
 * trades, income) are append-only and are what the REST history endpoints serve.
 */
import { ONE, abs, div, mul, type Fixed } from './decimal.ts';

export type Side = 'BUY' | 'SELL';

export interface Position {
  readonly symbol: string;
  /** Signed: > 0 long, < 0 short. */
  qty: Fixed;
  /** Average entry price (0 when flat). */
  entry: Fixed;
  /** Accumulated realized PnL (ACCOUNT_UPDATE `cr`). */
  realized: Fixed;
  updateTime: number;
}

export type IncomeType = 'REALIZED_PNL' | 'COMMISSION' | 'FUNDING_FEE' | 'INSURANCE_CLEAR';

export interface IncomeRecord {
  readonly symbol: string;
  readonly incomeType: IncomeType;
  readonly income: Fixed;
  readonly asset: string;
  readonly info: string;
  readonly time: number;
  readonly tranId: number;
  readonly tradeId: string;
}

export interface UserTrade {
  readonly symbol: string;
  readonly id: number;
  readonly orderId: number;
  readonly side: Side;
  readonly price: Fixed;
  readonly qty: Fixed;
  readonly realizedPnl: Fixed;
  readonly quoteQty: Fixed;
  readonly commission: Fixed;
  readonly time: number;
  readonly maker: boolean;
}

export interface FillInput {
  readonly symbol: string;
  readonly orderId: number;
  readonly tradeId: number;
  readonly side: Side;
  readonly qty: Fixed;
  readonly price: Fixed;
  readonly feeRate: Fixed;
  readonly maker: boolean;
  readonly time: number;
  /** A fee other than `feeRate x notional` (a liquidation's clearance fee), recorded as `feeIncome`. */
  readonly fee?: Fixed;
  readonly feeIncome?: IncomeType;
}

export class Account {
  wallet: Fixed;
  readonly asset = 'USDT';
  readonly positions = new Map<string, Position>();
  readonly income: IncomeRecord[] = [];
  readonly trades: UserTrade[] = [];
  updateTime: number;
  private tranId = 9_000_000_000;

  constructor(startingBalance: Fixed, time: number) {
    this.wallet = startingBalance;
    this.updateTime = time;
  }

  position(symbol: string): Position {
    let p = this.positions.get(symbol);
    if (p === undefined) {
      p = { symbol, qty: 0n, entry: 0n, realized: 0n, updateTime: 0 };
      this.positions.set(symbol, p);
    }
    return p;
  }

  /** Books one fill: position, entry, realized PnL, commission. Returns the trade record. */
  applyFill(f: FillInput): UserTrade {
    const p = this.position(f.symbol);
    const signed = f.side === 'BUY' ? f.qty : -f.qty;
    let realized = 0n;
    if (p.qty === 0n || p.qty > 0n === signed > 0n) {
      const size = abs(p.qty) + f.qty;
      p.entry = div(mul(abs(p.qty), p.entry) + mul(f.qty, f.price), size);
      p.qty += signed;
    } else {
      const close = f.qty < abs(p.qty) ? f.qty : abs(p.qty);
      realized = mul(close, f.price - p.entry) * (p.qty > 0n ? 1n : -1n);
      const flipped = f.qty > abs(p.qty);
      p.qty += signed;
      if (p.qty === 0n) p.entry = 0n;
      else if (flipped) p.entry = f.price;
    }
    const quote = mul(f.qty, f.price);
    const fee = f.fee ?? mul(quote, f.feeRate);
    p.realized += realized;
    p.updateTime = f.time;
    this.wallet += realized - fee;
    this.updateTime = f.time;
    const trade: UserTrade = {
      symbol: f.symbol,
      id: f.tradeId,
      orderId: f.orderId,
      side: f.side,
      price: f.price,
      qty: f.qty,
      realizedPnl: realized,
      quoteQty: quote,
      commission: fee,
      time: f.time,
      maker: f.maker,
    };
    this.trades.push(trade);
    if (realized !== 0n) this.record(f.symbol, 'REALIZED_PNL', realized, f.time, String(f.tradeId));
    if (fee !== 0n) this.record(f.symbol, f.feeIncome ?? 'COMMISSION', -fee, f.time, String(f.tradeId));
    return trade;
  }

  /** Settles funding on the position: longs pay a positive rate; `factor` (default 1) x the amount due is booked (a wrong-charge fault). Returns the amount, if any. */
  fund(symbol: string, mark: Fixed, rate: Fixed, time: number, factor: () => Fixed = () => ONE): IncomeRecord | undefined {
    const p = this.positions.get(symbol);
    if (p === undefined || p.qty === 0n || rate === 0n) return undefined;
    const amount = mul(-mul(mul(p.qty, mark), rate), factor());
    if (amount === 0n) return undefined;
    this.wallet += amount;
    this.updateTime = time;
    return this.record(symbol, 'FUNDING_FEE', amount, time, '');
  }

  private record(symbol: string, incomeType: IncomeType, income: Fixed, time: number, tradeId: string): IncomeRecord {
    const r: IncomeRecord = { symbol, incomeType, income, asset: this.asset, info: incomeType, time, tranId: ++this.tranId, tradeId };
    this.income.push(r);
    return r;
  }

  unrealized(symbol: string, mark: Fixed): Fixed {
    const p = this.positions.get(symbol);
    return p === undefined || p.qty === 0n ? 0n : mul(p.qty, mark - p.entry);
  }
}
