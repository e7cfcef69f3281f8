/**
 * The backtest's full specification, resolved from command-line flags over the config file over
 * defaults, and validated. Everything the run needs is here; nothing else is read later.
 */
import { basename, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LossLimits, RiskLimits, ValidationConfig } from '../../engine/index.ts';
import type { VenueModels } from '../../paper/index.ts';
import { buildModels, seedOf } from '../sim-models.ts';
import type { SimFlags } from '../sim-options.ts';
import { lossLimitsOf, riskLimitsOf, validationOf, type Config } from '../../config/config.ts';
import { UserError } from '../errors.ts';
import { dateFlag, parseParams } from '../options.ts';

export interface DataRef {
  readonly symbol: string;
  readonly path: string;
}

export interface BacktestSpec {
  readonly strategy: string;
  readonly params: Readonly<Record<string, string | number | boolean>>;
  readonly data: readonly DataRef[];
  readonly funding: readonly DataRef[];
  readonly market: 'spot' | 'perp';
  readonly from: number | undefined;
  readonly to: number | undefined;
  readonly cash: number;
  readonly seed: number;
  readonly leverage: number;
  readonly models: VenueModels;
  readonly limits: Partial<RiskLimits>;
  /** The drawdown limit and what breached loss limits do (config risk.maxDrawdownPct, dailyLossAction, drawdownAction), as a live session takes them. */
  readonly lossLimits: Partial<Omit<LossLimits, 'dailyLossLimit'>>;
  readonly instrument: { readonly tickSize?: number; readonly lotSize?: number; readonly minNotional?: number };
  readonly regimeWindow: number;
  /** The bad-data breaker's settings (config `data.validation`). */
  readonly validation: Partial<ValidationConfig>;
}

/** Raw flag values as commander gives them (strings, repeatable lists). */
export interface BacktestFlags extends SimFlags {
  readonly strategy?: string;
  readonly param?: readonly string[];
  readonly data?: readonly string[];
  readonly symbol?: string;
  readonly funding?: readonly string[];
  readonly market?: string;
  readonly from?: string;
  readonly to?: string;
  readonly cash?: number;
  readonly leverage?: number;
  readonly tick?: number;
  readonly lot?: number;
  readonly minNotional?: number;
  readonly regimeWindow?: number;
}

export const DEFAULT_DATA = fileURLToPath(new URL('../../../data/binance-btcusdt-spot-1m-2024-12/BTCUSDT-1m-2024-12.csv', import.meta.url));

/** Symbol from a file name like "BTCUSDT-1m-2024-12.csv" or "XRP_USDT-5m.csv". */
export function symbolFromFile(path: string): string | undefined {
  const m = /^([A-Za-z0-9]+?)(?:[-_](USDT|USDC|USD|BUSD|BTC|ETH))?[-_.]/.exec(basename(path));
  if (m === null || m[1] === undefined) return undefined;
  return (m[1] + (m[2] ?? '')).toUpperCase();
}

function parseRef(text: string, fallbackSymbol: string | undefined, what: string): DataRef {
  const eq = text.indexOf('=');
  if (eq > 0 && !text.slice(0, eq).includes('/')) {
    return { symbol: text.slice(0, eq).toUpperCase(), path: resolve(text.slice(eq + 1)) };
  }
  const symbol = fallbackSymbol ?? symbolFromFile(text);
  if (symbol === undefined) throw new UserError(`cannot tell the symbol of ${what} file ${text}: write it as SYMBOL=${text} or pass --symbol`);
  return { symbol: symbol.toUpperCase(), path: resolve(text) };
}

export function buildSpec(flags: BacktestFlags, config: Config): BacktestSpec {
  const bt = config.backtest ?? {};
  const strategy = flags.strategy ?? 'sma-cross';
  const fromConfig = config.strategies?.[strategy] ?? {};
  const params = { ...fromConfig, ...parseParams(flags.param) };
  const dataArgs = flags.data !== undefined && flags.data.length > 0 ? flags.data : [DEFAULT_DATA];
  if (flags.symbol !== undefined && dataArgs.length > 1) throw new UserError('--symbol only applies to a single --data file; name each file as SYMBOL=path instead');
  const data = dataArgs.map((d) => parseRef(d, flags.symbol, 'data'));
  const seen = new Set<string>();
  for (const d of data) {
    if (seen.has(d.symbol)) throw new UserError(`two data files for ${d.symbol}; give one file per symbol`);
    seen.add(d.symbol);
  }
  const funding = (flags.funding ?? []).map((f) => parseRef(f, data.length === 1 ? data[0]?.symbol : undefined, 'funding'));
  for (const f of funding) {
    if (!seen.has(f.symbol)) throw new UserError(`funding file for ${f.symbol}, but no --data for that symbol`);
  }
  const marketText = flags.market ?? bt.market ?? (funding.length > 0 ? 'perp' : 'spot');
  if (marketText !== 'spot' && marketText !== 'perp') throw new UserError(`--market ${marketText}: expected spot or perp`);
  if (marketText === 'spot' && funding.length > 0) throw new UserError('funding only applies to perpetuals: drop --funding or use --market perp');
  const from = dateFlag(flags.from, '--from');
  const to = dateFlag(flags.to, '--to');
  if (from !== undefined && to !== undefined && to <= from) throw new UserError(`--to (${flags.to}) must be after --from (${flags.from})`);
  const leverage = flags.leverage ?? bt.leverage ?? 1;
  if (marketText === 'spot' && leverage !== 1) throw new UserError('--leverage only applies to --market perp');
  return {
    strategy,
    params,
    data,
    funding,
    market: marketText,
    from,
    to,
    cash: flags.cash ?? bt.cash ?? 10_000,
    seed: seedOf(flags, config),
    leverage,
    models: buildModels(flags, config),
    limits: riskLimitsOf(config),
    lossLimits: lossLimitsOf(config),
    instrument: {
      ...(flags.tick === undefined ? {} : { tickSize: flags.tick }),
      ...(flags.lot === undefined ? {} : { lotSize: flags.lot }),
      ...(flags.minNotional === undefined ? {} : { minNotional: flags.minNotional }),
    },
    regimeWindow: flags.regimeWindow ?? bt.regimeWindow ?? 60,
    validation: validationOf(config),
  };
}
