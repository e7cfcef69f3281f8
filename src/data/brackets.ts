/**
 * Binance USD-M leverage brackets (`GET /fapi/v1/leverageBracket`) of the perpetuals whose data
 * ships with Parity, as data: a real response kept under data/ (data/README.md says where it comes
 * from and when), parsed and checked once, served by the local exchange as it is and turned into the
 * engine's LeverageTier for the instruments (maintenance margin, liquidation, the leverage limit).
 *
 * Invariants checked on load: brackets ascend from a floor of 0 without gaps (each floor is the
 * previous cap), and each `cum` makes the maintenance margin continuous at its floor
 * (`cum_i = cum_{i-1} + floor_i x (rate_i - rate_{i-1})`): a file that breaks either is refused.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { LeverageTier } from '../engine/index.ts';
import { DataError } from './errors.ts';

export const BRACKETS_FILE = fileURLToPath(new URL('../../data/binance-usdm-leverage-brackets-2024-10-24/fapi_v1_leverageBracket_BTCUSDT_ETHUSDT_XRPUSDT.json', import.meta.url));

/** One bracket row, field for field as Binance sends it. */
export interface BracketRow {
  readonly bracket: number;
  readonly initialLeverage: number;
  readonly notionalCap: number;
  readonly notionalFloor: number;
  readonly maintMarginRatio: number;
  readonly cum: number;
}

export interface SymbolBrackets {
  readonly symbol: string;
  readonly brackets: readonly BracketRow[];
}

const FIELDS = ['bracket', 'initialLeverage', 'notionalCap', 'notionalFloor', 'maintMarginRatio', 'cum'] as const;

function parseRow(x: unknown, where: string, problems: string[]): BracketRow | undefined {
  if (typeof x !== 'object' || x === null) {
    problems.push(`${where}: not an object`);
    return undefined;
  }
  const o = x as Record<string, unknown>;
  const bad = FIELDS.filter((k) => typeof o[k] !== 'number' || !Number.isFinite(o[k]));
  if (bad.length > 0) {
    problems.push(`${where}: ${bad.join(', ')} missing or not a number`);
    return undefined;
  }
  const row = Object.fromEntries(FIELDS.map((k) => [k, o[k] as number])) as unknown as BracketRow;
  if (!(row.initialLeverage >= 1) || !(row.maintMarginRatio > 0 && row.maintMarginRatio < 1) || !(row.notionalCap > row.notionalFloor)) {
    problems.push(`${where}: leverage ${row.initialLeverage}, rate ${row.maintMarginRatio}, floor ${row.notionalFloor} and cap ${row.notionalCap} are out of range`);
  }
  return row;
}

/** Checks one symbol's brackets (see the header); problems are appended. */
function checkChain(sym: string, rows: readonly BracketRow[], problems: string[]): void {
  rows.forEach((r, i) => {
    const prev = rows[i - 1];
    const where = `${sym} bracket ${r.bracket}`;
    if (prev === undefined) {
      if (r.notionalFloor !== 0 || r.cum !== 0) problems.push(`${where}: the first bracket must start at 0 with cum 0`);
      return;
    }
    if (r.notionalFloor !== prev.notionalCap) problems.push(`${where}: floor ${r.notionalFloor} is not the previous cap ${prev.notionalCap}`);
    const want = prev.cum + r.notionalFloor * (r.maintMarginRatio - prev.maintMarginRatio);
    if (Math.abs(r.cum - want) > 1e-6 * Math.max(1, want)) problems.push(`${where}: cum ${r.cum} leaves the maintenance margin discontinuous (expected ${want})`);
  });
}

/** Parses a leverageBracket response (an array, or one symbol's object). */
export function parseBrackets(json: unknown, file: string): SymbolBrackets[] {
  const list = Array.isArray(json) ? json : [json];
  const problems: string[] = [];
  const out: SymbolBrackets[] = [];
  list.forEach((e: unknown, i) => {
    const o = (typeof e === 'object' && e !== null ? e : {}) as Record<string, unknown>;
    const sym = o['symbol'];
    if (typeof sym !== 'string' || !Array.isArray(o['brackets']) || o['brackets'].length === 0) {
      problems.push(`entry ${i}: needs a symbol and a non-empty brackets array`);
      return;
    }
    const rows = (o['brackets'] as unknown[]).map((r, j) => parseRow(r, `${sym} row ${j}`, problems)).filter((r): r is BracketRow => r !== undefined);
    checkChain(sym, rows, problems);
    out.push({ symbol: sym.toUpperCase(), brackets: rows });
  });
  if (problems.length > 0) throw new DataError(file, problems, 'not a usable leverageBracket response');
  return out;
}

let cached: ReadonlyMap<string, SymbolBrackets> | undefined;

/** The bundled brackets by symbol (read once). */
export function loadBrackets(file = BRACKETS_FILE): ReadonlyMap<string, SymbolBrackets> {
  if (file === BRACKETS_FILE && cached !== undefined) return cached;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new DataError(file, [], `cannot read the leverage brackets: ${String(err)}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new DataError(file, [], `not JSON: ${(err as Error).message}`);
  }
  const map = new Map(parseBrackets(json, file).map((s) => [s.symbol, s]));
  if (file === BRACKETS_FILE) cached = map;
  return map;
}

/** Binance rows as the engine's tiers, lowest notional first. */
export function tiersOf(rows: readonly BracketRow[]): LeverageTier[] {
  return rows.map((r) => ({ floor: r.notionalFloor, cap: r.notionalCap, maxLeverage: r.initialLeverage, maintMarginRate: r.maintMarginRatio, maintAmount: r.cum }));
}

/** The bundled tiers of a symbol, or undefined when the file has none for it. */
export function bracketTiers(sym: string): LeverageTier[] | undefined {
  const b = loadBrackets().get(sym.toUpperCase());
  return b === undefined ? undefined : tiersOf(b.brackets);
}
