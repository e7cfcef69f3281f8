/**
 * Symbol specs for the local exchange, from a real `exchangeInfo` capture kept verbatim under
 * data/. The JSON entry is served as is; the filters are parsed once into exact decimals for the
 * order checks. A symbol can be replayed only if its entry is in the file (its real filters are
 * what make the replay honest). Its leverage brackets are the real ones of src/data/brackets.ts
 * (served by /fapi/v1/leverageBracket, the maintenance margin and liquidation); a symbol without
 * bundled brackets gets one bracket from the entry's margin percentages.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DEFAULT_LIQUIDATION_FEE, makeInstrument, symbol as toSymbol, type Instrument } from '../engine/index.ts';
import { loadBrackets, tiersOf, type BracketRow } from '../data/index.ts';
import { decimalsOf, mul, parseFixed, toNumber, type Fixed } from './decimal.ts';
import { isRecord } from './json.ts';

export const EXCHANGE_INFO_FILE = fileURLToPath(new URL('../../data/binance-usdm-exchange-info-2021-07-22/fapi_v1_exchangeInfo_BTCUSDT_XRPUSDT.json', import.meta.url));

export interface MarketSpec {
  readonly symbol: string;
  readonly baseAsset: string;
  readonly quoteAsset: string;
  /** The exchangeInfo entry, verbatim. */
  readonly info: Readonly<Record<string, unknown>>;
  readonly tick: Fixed;
  readonly tickDecimals: number;
  readonly minPrice: Fixed;
  readonly maxPrice: Fixed;
  readonly step: Fixed;
  readonly stepDecimals: number;
  readonly minQty: Fixed;
  readonly maxQty: Fixed;
  readonly marketMinQty: Fixed;
  readonly marketMaxQty: Fixed;
  readonly minNotional: Fixed;
  /** PERCENT_PRICE multipliers against the mark price. */
  readonly multiplierUp: Fixed;
  readonly multiplierDown: Fixed;
  readonly pricePrecision: number;
  readonly quantityPrecision: number;
  /** The leverage brackets, lowest notional first, as Binance sends them. */
  readonly brackets: readonly BracketRow[];
  /** The same brackets in exact decimals, for the maintenance margin of a position. */
  readonly margin: readonly { readonly cap: Fixed; readonly rate: Fixed; readonly cum: Fixed }[];
  /** The first bracket's leverage: the highest the symbol allows. */
  readonly maxLeverage: number;
  /**
   * The market as the engine's instrument (tick, lot, tiers, the entry's `liquidationFee`): what
   * the liquidation rule shared with the simulator takes.
   */
  readonly instrument: Instrument;
}

export interface ExchangeInfoFile {
  /** Top-level fields other than `symbols`, verbatim. */
  readonly top: Readonly<Record<string, unknown>>;
  readonly specs: ReadonlyMap<string, MarketSpec>;
}

function str(o: Record<string, unknown>, k: string, where: string): string {
  const v = o[k];
  if (typeof v !== 'string') throw new Error(`${where}: field ${k} is not a string`);
  return v;
}

export function parseSpec(entry: Record<string, unknown>): MarketSpec {
  const sym = str(entry, 'symbol', 'exchangeInfo entry');
  const where = `exchangeInfo ${sym}`;
  const filters = Array.isArray(entry['filters']) ? entry['filters'].filter(isRecord) : [];
  const filter = (type: string): Record<string, unknown> => {
    const f = filters.find((x) => x['filterType'] === type);
    if (f === undefined) throw new Error(`${where}: no ${type} filter`);
    return f;
  };
  const price = filter('PRICE_FILTER');
  const lot = filter('LOT_SIZE');
  const mlot = filters.find((x) => x['filterType'] === 'MARKET_LOT_SIZE') ?? lot;
  const notional = filters.find((x) => x['filterType'] === 'MIN_NOTIONAL' || x['filterType'] === 'NOTIONAL');
  const pct = filters.find((x) => x['filterType'] === 'PERCENT_PRICE');
  const tick = parseFixed(str(price, 'tickSize', where));
  const step = parseFixed(str(lot, 'stepSize', where));
  const num = (k: string, d: number): number => (typeof entry[k] === 'number' ? (entry[k] as number) : d);
  const brackets = loadBrackets().get(sym)?.brackets ?? [fallbackBracket(entry)];
  const fee = Number(entry['liquidationFee']);
  const instrument = makeInstrument({
    symbol: toSymbol(sym),
    kind: 'perpetual',
    tickSize: toNumber(tick),
    lotSize: toNumber(step),
    tiers: tiersOf(brackets),
    liquidationFee: Number.isFinite(fee) && fee >= 0 ? fee : DEFAULT_LIQUIDATION_FEE,
  });
  return {
    symbol: sym,
    baseAsset: str(entry, 'baseAsset', where),
    quoteAsset: str(entry, 'quoteAsset', where),
    info: entry,
    tick,
    tickDecimals: decimalsOf(tick),
    minPrice: parseFixed(str(price, 'minPrice', where)),
    maxPrice: parseFixed(str(price, 'maxPrice', where)),
    step,
    stepDecimals: decimalsOf(step),
    minQty: parseFixed(str(lot, 'minQty', where)),
    maxQty: parseFixed(str(lot, 'maxQty', where)),
    marketMinQty: parseFixed(str(mlot, 'minQty', where)),
    marketMaxQty: parseFixed(str(mlot, 'maxQty', where)),
    minNotional: notional === undefined ? 0n : parseFixed(String(notional['notional'] ?? notional['minNotional'] ?? '0')),
    multiplierUp: pct === undefined ? 0n : parseFixed(String(pct['multiplierUp'])),
    multiplierDown: pct === undefined ? 0n : parseFixed(String(pct['multiplierDown'])),
    pricePrecision: num('pricePrecision', decimalsOf(tick)),
    quantityPrecision: num('quantityPrecision', decimalsOf(step)),
    brackets,
    margin: brackets.map((b) => ({ cap: parseFixed(String(b.notionalCap)), rate: parseFixed(String(b.maintMarginRatio)), cum: parseFixed(String(b.cum)) })),
    maxLeverage: brackets[0]?.initialLeverage ?? 20,
    instrument,
  };
}

/** One bracket from the entry's margin percentages (a symbol with no bundled brackets). */
function fallbackBracket(entry: Record<string, unknown>): BracketRow {
  const required = Number(typeof entry['requiredMarginPercent'] === 'string' ? entry['requiredMarginPercent'] : '5');
  const maint = Number(typeof entry['maintMarginPercent'] === 'string' ? entry['maintMarginPercent'] : '2.5');
  const initialLeverage = Number.isFinite(required) && required > 0 ? Math.floor(100 / required) : 20;
  return { bracket: 1, initialLeverage, notionalCap: 1_000_000_000, notionalFloor: 0, maintMarginRatio: maint / 100, cum: 0 };
}

/** Maintenance margin of a position of `notional` (exact): its bracket's `|notional| x rate - cum`. */
export function maintMargin(spec: MarketSpec, notional: Fixed): Fixed {
  const n = notional < 0n ? -notional : notional;
  const b = spec.margin.find((x) => n < x.cap) ?? spec.margin[spec.margin.length - 1];
  if (b === undefined) return 0n;
  const m = mul(n, b.rate) - b.cum;
  return m > 0n ? m : 0n;
}

export function loadExchangeInfo(file = EXCHANGE_INFO_FILE): ExchangeInfoFile {
  const json: unknown = JSON.parse(readFileSync(file, 'utf8'));
  if (!isRecord(json) || !Array.isArray(json['symbols'])) throw new Error(`${file}: not an exchangeInfo response`);
  const specs = new Map<string, MarketSpec>();
  for (const e of json['symbols']) if (isRecord(e)) specs.set(String(e['symbol']), parseSpec(e));
  const top: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(json)) if (k !== 'symbols') top[k] = v;
  return { top, specs };
}
