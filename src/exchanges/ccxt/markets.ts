/**
 * Venue markets as engine instruments. The engine names a market by the venue's id ("BTCUSDT");
 * ccxt by its unified symbol ("BTC/USDT:USDT"); this module translates both ways and reads the
 * tick, lot and minimums from ccxt's market description (tick-size or decimal-places precision).
 * One MarketIndex per connection answers both lookups for every part of the adapter. Perpetuals
 * get the venue's leverage brackets (ccxt's leverage tiers) where the venue serves them.
 */
import type { LeverageTier as CcxtTier, MarketInterface } from 'ccxt';
import { FIXED_DECIMALS, HaltError, makeInstrument, stepOfDecimals, symbol as toSymbol, type Instrument, type LeverageTier, type Symbol } from '../../engine/index.ts';
import type { CcxtClient } from './client.ts';

export interface VenueMarket {
  readonly symbol: Symbol;
  /** ccxt's unified symbol. */
  readonly ccxtSymbol: string;
  readonly instrument: Instrument;
}

/** ccxt's precisionMode for "precision is a number of decimals" (the others give a step). */
const DECIMAL_PLACES = 2;

/** A grid step from ccxt precision: a step in tick-size mode, 10^-n in decimal-places mode; undefined when unusable. */
function step(precision: number | undefined, mode: number): number | undefined {
  if (precision === undefined) return undefined;
  if (mode !== DECIMAL_PLACES) return precision > 0 ? precision : undefined;
  return Number.isInteger(precision) && precision >= 0 && precision <= FIXED_DECIMALS ? stepOfDecimals(precision) : undefined;
}

export function instrumentFromMarket(m: MarketInterface, precisionMode: number): Instrument {
  const tick = step(m.precision.price, precisionMode);
  const lot = step(m.precision.amount, precisionMode);
  if (tick === undefined || lot === undefined) {
    throw new HaltError(`market ${m.symbol} has no usable price/amount precision (${m.precision.price}, ${m.precision.amount}); cannot trade it safely. Nothing was traded.`);
  }
  const minQty = m.limits.amount?.min;
  const maxQty = m.limits.amount?.max;
  const minNotional = m.limits.cost?.min;
  return makeInstrument({
    symbol: toSymbol(m.id ?? m.symbol),
    base: m.base,
    quote: m.quote,
    kind: m.swap === true || m.future === true ? 'perpetual' : 'spot',
    tickSize: tick,
    lotSize: lot,
    ...(minQty === undefined ? {} : { minQty }),
    ...(maxQty === undefined ? {} : { maxQty }),
    ...(minNotional === undefined ? {} : { minNotional }),
  });
}

/** Finds a market by venue id ("BTCUSDT") or unified symbol; a clear HaltError when it is not listed. */
export function resolveMarket(client: CcxtClient, wanted: string): VenueMarket {
  const all = Object.values(client.markets).filter((x): x is MarketInterface => x !== undefined);
  const upper = wanted.toUpperCase();
  const idOf = (x: MarketInterface): string => (x.id ?? '').toUpperCase();
  const m = all.find((x) => x.symbol === wanted) ?? all.find((x) => idOf(x) === upper && (x.swap === true || x.future === true)) ?? all.find((x) => idOf(x) === upper);
  if (m === undefined) {
    const sample = all
      .slice(0, 8)
      .map((x) => x.id)
      .join(', ');
    throw new HaltError(`symbol ${wanted} is not listed on ${client.id} (${all.length} markets, e.g. ${sample})`);
  }
  const instrument = instrumentFromMarket(m, client.precisionMode);
  return { symbol: instrument.symbol, ccxtSymbol: m.symbol, instrument };
}

/** The markets of one connection, looked up either way. Built once (connect) and shared by every part. */
export interface MarketIndex {
  /** By the engine's symbol ("BTCUSDT"). */
  readonly bySymbol: ReadonlyMap<string, VenueMarket>;
  /** By ccxt's unified symbol ("BTC/USDT:USDT"); undefined for a market this connection does not trade. */
  byCcxtSymbol(ccxtSymbol: string | undefined): VenueMarket | undefined;
  /** The market for an engine symbol; a HaltError when it was not set up (a configuration mistake). */
  market(symbol: string): VenueMarket;
}

export function indexMarkets(markets: Iterable<VenueMarket>): MarketIndex {
  const bySymbol = new Map<string, VenueMarket>();
  const byCcxt = new Map<string, VenueMarket>();
  for (const m of markets) {
    bySymbol.set(m.symbol, m);
    byCcxt.set(m.ccxtSymbol, m);
  }
  const listed = (): string => [...bySymbol.keys()].join(', ') || 'none';
  return {
    bySymbol,
    byCcxtSymbol: (s) => (s === undefined ? undefined : byCcxt.get(s)),
    market(symbol) {
      const m = bySymbol.get(symbol);
      if (m === undefined) throw new HaltError(`symbol ${symbol} is not set up on this venue connection (set up: ${listed()}). Nothing was sent for it; add it to the run's symbols and restart.`);
      return m;
    },
  };
}

const num = (x: unknown): number | undefined => (typeof x === 'number' ? x : typeof x === 'string' && x.trim() !== '' ? Number(x) : undefined);

/**
 * ccxt's leverage tiers as the engine's brackets, lowest notional first. The maintenance amount is
 * the venue's own (`cum` at Binance) where it sends one, else the amount that keeps maintenance
 * margin continuous from bracket to bracket (how Binance derives `cum`). Undefined when a tier
 * lacks a usable bound, rate or leverage: no brackets rather than wrong ones.
 */
export function tiersFromCcxt(rows: readonly CcxtTier[] | undefined): LeverageTier[] | undefined {
  if (rows === undefined || rows.length === 0) return undefined;
  const sorted = [...rows].sort((a, b) => (a.minNotional ?? 0) - (b.minNotional ?? 0));
  const out: LeverageTier[] = [];
  let cum = 0;
  let prevRate = 0;
  for (const r of sorted) {
    const floor = r.minNotional ?? undefined;
    const cap = r.maxNotional ?? undefined;
    const rate = r.maintenanceMarginRate ?? undefined;
    const lev = r.maxLeverage ?? undefined;
    if (floor === undefined || cap === undefined || rate === undefined || lev === undefined || !(cap > floor) || !(lev > 0) || !(rate >= 0)) return undefined;
    cum += floor * (rate - prevRate);
    prevRate = rate;
    const venueCum = num((r.info as Record<string, unknown> | undefined)?.['cum']);
    out.push({ floor, cap, maxLeverage: lev, maintMarginRate: rate, maintAmount: venueCum !== undefined && Number.isFinite(venueCum) ? venueCum : cum });
  }
  return out;
}

/**
 * The markets with their leverage brackets: one `fetchLeverageTiers` request for the perpetuals
 * among them (none when there is none). A market the answer leaves out keeps no brackets.
 */
export async function withLeverageTiers(markets: readonly VenueMarket[], fetch: (ccxtSymbols: string[]) => Promise<Record<string, CcxtTier[] | undefined>>): Promise<VenueMarket[]> {
  const perps = markets.filter((m) => m.instrument.kind === 'perpetual');
  if (perps.length === 0) return [...markets];
  const answer = await fetch(perps.map((m) => m.ccxtSymbol));
  return markets.map((m) => {
    const tiers = m.instrument.kind === 'perpetual' ? tiersFromCcxt(answer[m.ccxtSymbol]) : undefined;
    return tiers === undefined ? m : { ...m, instrument: { ...m.instrument, tiers } };
  });
}
