/**
 * The start-up check that a strategy's size parameters can trade, for `parity backtest` and
 * `parity run` alike: the engine finds the problems (src/engine/order-size.ts); this turns them into
 * one message that names the parameter, the markets' terms, and the smallest value that trades.
 */
import { checkOrderSizes, formatFixed, fromNumber, marketTerms, type AnyStrategyDefinition, type Params, type SizedMarket, type SizeProblem } from '../engine/index.ts';
import { UserError } from './errors.ts';

const show = (x: number): string => formatFixed(fromNumber(x));

/** Why one value falls short on one market: it rounds away, is under the minimum quantity, or is worth too little. */
function shortfall(p: SizeProblem): string {
  const v = show(p.value);
  const i = p.market.instrument;
  if (p.snapped <= 0) return `${v} rounds to 0`;
  const shown = p.snapped === p.value ? v : `${v} (${show(p.snapped)} on its grid)`;
  if (p.snapped < i.minQty || p.market.price === undefined) return `${shown} is below the minimum quantity`;
  return `${shown} is worth ${(p.snapped * p.market.price).toFixed(2)} ${i.quote} there`;
}

/** "size=0.01: XRPUSDT trades in lots of 0.1 ..., and 0.01 rounds to 0", over every market it fails on. */
function reason(param: string, problems: readonly SizeProblem[]): string {
  return `${param}=${show(problems[0]?.value ?? 0)}: ${problems.map((p) => `${marketTerms(p.market)}, and ${shortfall(p)}`).join('; ')}`;
}

/** Throws a UserError (nothing traded) when a size parameter cannot trade on one of the markets. */
export function requireTradableSizes(def: AnyStrategyDefinition, params: Params, markets: readonly SizedMarket[]): void {
  const problems = checkOrderSizes(def, params, markets);
  if (problems.length === 0) return;
  const byParam = [...new Set(problems.map((p) => p.param))].map((param) => problems.filter((p) => p.param === param));
  const reasons = byParam.map((ps) => reason(ps[0]?.param ?? '', ps)).join('; nor with ');
  const fixes = byParam.map((ps) => `--param ${ps[0]?.param ?? ''}=${show(Math.max(...ps.map((p) => p.smallest)))}`).join(' ');
  throw new UserError(`strategy ${def.name} cannot trade with ${reasons}, so every order would be denied. Nothing was traded. Pass ${fixes} or more.`);
}
