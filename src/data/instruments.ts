/**
 * Instrument specs for the markets whose sample data ships with Parity, as Binance listed them.
 * Sources (../shared/data, see data/README.md): spot filters from
 * binance-api-samples/nautilus-python/http_responses/http_spot_market_exchange_info.json,
 * USD-M filters and `liquidationFee` (the clearance fee rate) from
 * binance-api-samples/cryptofeed-usdm-2021-07-22/fapi_v1_exchangeInfo.json; perpetuals also get
 * their leverage brackets from the bundled leverageBracket response (brackets.ts).
 * A symbol not listed here gets its tick from the data and defaults the caller can override.
 */
import { makeInstrument, symbol, type Instrument, type InstrumentKind, type InstrumentSpec } from '../engine/index.ts';
import { bracketTiers } from './brackets.ts';

type Spec = Omit<InstrumentSpec, 'symbol' | 'kind'>;

const CATALOG: Readonly<Record<InstrumentKind, Readonly<Record<string, Spec>>>> = {
  spot: {
    BTCUSDT: { tickSize: 0.01, lotSize: 0.00001, minQty: 0.00001, maxQty: 9000, minNotional: 10 },
    ETHUSDT: { tickSize: 0.01, lotSize: 0.0001, minQty: 0.0001, maxQty: 9000, minNotional: 10 },
  },
  perpetual: {
    BTCUSDT: { tickSize: 0.01, lotSize: 0.001, minQty: 0.001, maxQty: 1000, minNotional: 5, liquidationFee: 0.012 },
    ETHUSDT: { tickSize: 0.01, lotSize: 0.001, minQty: 0.001, maxQty: 10000, minNotional: 5, liquidationFee: 0.005 },
    XRPUSDT: { tickSize: 0.0001, lotSize: 0.1, minQty: 0.1, maxQty: 1000000, minNotional: 5, liquidationFee: 0.005 },
  },
};

export interface InstrumentOverrides {
  readonly tickSize?: number;
  readonly lotSize?: number;
  readonly minNotional?: number;
}

/**
 * The instrument for a symbol: the catalog entry if known, else a tick inferred from the data's
 * price decimals, a lot of 1e-8 and no minimum notional. Overrides win. A perpetual with bundled
 * brackets carries them as its tiers (its maintenance margin, so it can be liquidated).
 */
export function resolveInstrument(sym: string, kind: InstrumentKind, inferredTick: number, o: InstrumentOverrides = {}): Instrument {
  const known = CATALOG[kind][sym.toUpperCase()];
  const base: Spec = known ?? { tickSize: inferredTick, lotSize: 0.00000001, minNotional: 0 };
  const lotSize = o.lotSize ?? base.lotSize;
  const tiers = kind === 'perpetual' ? bracketTiers(sym) : undefined;
  return makeInstrument({
    ...base,
    symbol: symbol(sym.toUpperCase()),
    kind,
    tickSize: o.tickSize ?? base.tickSize,
    lotSize,
    minQty: o.lotSize !== undefined ? lotSize : (base.minQty ?? lotSize),
    minNotional: o.minNotional ?? base.minNotional ?? 0,
    ...(tiers === undefined ? {} : { tiers }),
  });
}

