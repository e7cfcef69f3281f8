/**
 * The simulated venue's order checks, as a real exchange applies them on arrival: the instrument's
 * filters (lot, tick, min/max quantity, min notional), reduce-only, and the account's balance or
 * margin after what resting orders already reserve. Returns Binance-style rejection reasons.
 */
import { onGrid, reducesPosition, type OrderSide, type SubmitOrder } from '../engine/index.ts';
import type { Market } from './market-state.ts';
import type { VenueModels } from './models.ts';
import type { SimAccount } from './sim-account.ts';

const INSUFFICIENT = 'Account has insufficient balance for requested action.';

/** Cash (buys) or base units (cash-account sells) tied up in resting orders. */
function reserved(markets: Iterable<Market>, account: SimAccount, side: OrderSide): number {
  let x = 0;
  for (const m of markets) {
    for (const r of m.resting) {
      if (account.type === 'cash' && r.side !== side) continue;
      const open = r.qty - r.filled;
      x += account.type === 'cash' && side === 'sell' ? open : open * r.price;
    }
  }
  return x;
}

function grossExposure(markets: Iterable<Market>, account: SimAccount): number {
  let x = 0;
  for (const m of markets) x += Math.abs(account.position(m.inst.symbol)) * (Number.isNaN(m.last) ? 0 : m.last);
  return x;
}

/** Why the venue rejects `cmd` arriving when the market trades at `price`, or undefined to accept it. */
export function rejectReason(m: Market, cmd: SubmitOrder, price: number, account: SimAccount, markets: ReadonlyMap<string, Market>, models: VenueModels): string | undefined {
  const inst = m.inst;
  if (!(cmd.qty >= inst.minQty) || !onGrid(cmd.qty, inst.lotSize)) return `Invalid quantity ${cmd.qty} (lot ${inst.lotSize}, min ${inst.minQty}).`;
  if (cmd.qty > inst.maxQty) return `Quantity greater than max quantity ${inst.maxQty}.`;
  if (cmd.orderType === 'limit' && (cmd.price === undefined || !(cmd.price > 0) || !onGrid(cmd.price, inst.tickSize))) {
    return `Invalid price ${cmd.price} (tick ${inst.tickSize}).`;
  }
  if (!Number.isFinite(price)) return 'No market price yet.';
  const px = cmd.price ?? price;
  if (px * cmd.qty < inst.minNotional) return `Order's notional must be no smaller than ${inst.minNotional}.`;
  const pos = account.position(inst.symbol);
  const reduces = reducesPosition(pos, cmd.side, cmd.qty);
  if (cmd.reduceOnly && !reduces) return 'ReduceOnly Order is rejected.';
  if (reduces) return undefined;
  const held = reserved(markets.values(), account, cmd.side);
  if (account.type === 'cash') {
    if (cmd.side === 'sell') return pos - held < cmd.qty - 1e-12 ? INSUFFICIENT : undefined;
    const cost = px * cmd.qty * (1 + models.fees.taker);
    return cost > account.freeCash() - held + 1e-9 ? INSUFFICIENT : undefined;
  }
  const eq = account.equity((s) => markets.get(s)?.last ?? NaN);
  const used = grossExposure(markets.values(), account) + held;
  return (used + px * cmd.qty) / account.leverage > eq + 1e-9 ? 'Margin is insufficient.' : undefined;
}
