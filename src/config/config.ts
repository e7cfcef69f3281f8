/**
 * The configuration file (parity.config.json; see docs/config.md). Validated at start: every error
 * names the key and what is allowed. Command-line flags override the file. Secrets are never read
 * from here: API keys come from the environment or a key file (a key that looks like a secret is
 * refused with a pointer to the right place).
 */
import { readFileSync } from 'node:fs';
import type { LossAction, RiskLimits, ValidationConfig } from '../engine/index.ts';
import { ConfigError } from './config-error.ts';
import type { Config } from './schema.ts';

export { ConfigError } from './config-error.ts';
export type { Config } from './schema.ts';

/** Loads a config file; a missing default file is an empty config, a missing named file an error. */
export async function loadConfig(path: string | undefined, defaultPath = 'parity.config.json'): Promise<Config> {
  const file = path ?? defaultPath;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' && path === undefined) return {};
    throw new ConfigError(`cannot read config file ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
  const { parseConfig } = await import('./schema.ts');
  return parseConfig(text, file);
}

/** The risk limits the config sets (unset ones fall back to the engine's defaults). */
export function riskLimitsOf(config: Config): Partial<RiskLimits> {
  const risk = config.risk ?? {};
  const out: { -readonly [K in keyof RiskLimits]?: number } = {};
  if (risk.maxOrderNotional !== undefined) out.maxOrderNotional = risk.maxOrderNotional;
  if (risk.maxPositionNotional !== undefined) out.maxPositionNotional = risk.maxPositionNotional;
  if (risk.maxOpenOrders !== undefined) out.maxOpenOrders = risk.maxOpenOrders;
  if (risk.dailyLossLimit !== undefined) out.dailyLossLimit = risk.dailyLossLimit;
  if (risk.priceBandBps !== undefined) out.priceBandBps = risk.priceBandBps;
  if (risk.maxOrdersPerSecond !== undefined) out.maxOrdersPerSecond = risk.maxOrdersPerSecond;
  if (risk.maxOrdersPerMinute !== undefined) out.maxOrdersPerMinute = risk.maxOrdersPerMinute;
  if (risk.maxGrossExposure !== undefined) out.maxGrossExposure = risk.maxGrossExposure;
  if (risk.maxNetExposure !== undefined) out.maxNetExposure = risk.maxNetExposure;
  return out;
}

/** The bad-data breaker's settings the config sets (unset ones take the engine's defaults). */
export function validationOf(config: Config): Partial<ValidationConfig> {
  return Object.fromEntries(Object.entries(config.data?.validation ?? {}).filter(([, v]) => v !== undefined)) as Partial<ValidationConfig>;
}

/** The drawdown limit and what breached loss limits do (unset: no drawdown limit; both actions reduce-only). */
export function lossLimitsOf(config: Config): { maxDrawdownPct?: number; dailyLossAction?: LossAction; drawdownAction?: LossAction } {
  const r = config.risk ?? {};
  return {
    ...(r.maxDrawdownPct === undefined ? {} : { maxDrawdownPct: r.maxDrawdownPct }),
    ...(r.dailyLossAction === undefined ? {} : { dailyLossAction: r.dailyLossAction }),
    ...(r.drawdownAction === undefined ? {} : { drawdownAction: r.drawdownAction }),
  };
}
