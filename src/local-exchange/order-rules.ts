/**
 * The symbol filters of a new or amended order, checked as Binance USD-M checks them, each failure
 * with Binance's code and message: precision (-1111), LOT_SIZE / MARKET_LOT_SIZE (-4003, -4004,
 * -4005, -4023), PRICE_FILTER (-4001, -4002, -4013, -4014), PERCENT_PRICE against the mark price
 * (-4016, -4024), MIN_NOTIONAL (-4164, waived for reduce-only orders) and the client order id
 * charset (-4015). Pure functions; they throw `BinanceError`.
 */
import { decimalsOf, fmt, mul, onGrid, type Fixed } from './decimal.ts';
import { BinanceError, err } from './errors.ts';
import type { MarketSpec } from './markets.ts';
import type { OrderType } from './orders.ts';

const CLIENT_ID = /^[.A-Z:/a-z0-9_-]{1,36}$/;

export function checkClientOrderId(id: string): void {
  if (!CLIENT_ID.test(id)) throw err(-4015);
}

export function checkQuantity(spec: MarketSpec, qty: Fixed, type: OrderType): void {
  if (qty <= 0n) throw err(-4003);
  if (decimalsOf(qty) > spec.quantityPrecision) throw err(-1111);
  if (!onGrid(qty, spec.step)) throw err(-4023);
  const [min, max] = type === 'MARKET' ? [spec.marketMinQty, spec.marketMaxQty] : [spec.minQty, spec.maxQty];
  if (qty < min) throw err(-4004);
  if (qty > max) throw err(-4005);
}

export function checkPrice(spec: MarketSpec, price: Fixed, mark: Fixed): void {
  if (price <= 0n) throw err(-4001);
  if (decimalsOf(price) > spec.pricePrecision) throw err(-1111);
  if (price < spec.minPrice) throw err(-4013);
  if (spec.maxPrice > 0n && price > spec.maxPrice) throw err(-4002);
  if (!onGrid(price, spec.tick)) throw err(-4014);
  if (mark > 0n && spec.multiplierUp > 0n) {
    const cap = mul(mark, spec.multiplierUp);
    const floor = mul(mark, spec.multiplierDown);
    const down = (v: Fixed): Fixed => v - (v % spec.tick);
    const up = (v: Fixed): Fixed => (v % spec.tick === 0n ? v : down(v) + spec.tick);
    if (price > cap) throw new BinanceError(-4016, `Limit price can't be higher than ${fmt(down(cap), spec.tickDecimals)}.`);
    if (price < floor) throw new BinanceError(-4024, `Limit price can't be lower than ${fmt(up(floor), spec.tickDecimals)}.`);
  }
}

/** MIN_NOTIONAL: quantity x (limit price, or the mark for market orders). */
export function checkNotional(spec: MarketSpec, qty: Fixed, refPrice: Fixed, reduceOnly: boolean): void {
  if (reduceOnly || spec.minNotional <= 0n) return;
  if (mul(qty, refPrice) < spec.minNotional) {
    throw new BinanceError(-4164, `Order's notional must be no smaller than ${fmt(spec.minNotional)} (unless you choose reduce only).`);
  }
}
