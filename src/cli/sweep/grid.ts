/**
 * The sweep's parameter space, from repeated `--param` flags: each names one strategy parameter
 * and its values, as a list (`fast=5,10,20`), a stepped range (`fast=5..50:5`, both ends included)
 * or, with `--random`, an unstepped range (`size=0.01..0.05`) to draw from. The grid is the
 * cartesian product in flag order (the first flag varies slowest); `--random N` draws N distinct
 * points of it with a seeded generator, so the same seed gives the same sample.
 *
 * Invariants: every axis has at least one value; values are written as the flag gave them (a list
 * value is text the strategy coerces, a range value the shortest decimal of lo + i * step, so 0.1
 * steps do not print as 0.30000000000000004); an unknown parameter name or a malformed range is
 * refused here, naming the strategy's parameters or the form that is expected.
 */
import { createRng, type AnyStrategyDefinition } from '../../engine/index.ts';
import { UserError } from '../errors.ts';

export type ParamPoint = Readonly<Record<string, string | number>>;

export type Axis =
  | { readonly name: string; readonly kind: 'list'; readonly values: readonly (string | number)[] }
  /** A range without a step: only drawn from (`--random`); `whole` draws whole numbers. */
  | { readonly name: string; readonly kind: 'span'; readonly lo: number; readonly hi: number; readonly whole: boolean };

const RANGE = /^(-?[\d.]+(?:e-?\d+)?)\.\.(-?[\d.]+(?:e-?\d+)?)(?::(.+))?$/i;

function decimalsIn(text: string): number {
  const m = /\.(\d+)/.exec(text);
  return m?.[1]?.length ?? 0;
}

function num(text: string, flag: string, what: string): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n)) throw new UserError(`${flag}: the range's ${what} "${text}" is not a number; write a range as lo..hi:step, e.g. fast=5..50:5`);
  return n;
}

/** Most points one grid may have without `--random` (the sweep would run for days). */
export const MAX_GRID = 1_000_000;

/** One `--param` flag as an axis. `defaults` are the strategy's parameters (their names, and the type a drawn value takes). */
export function parseAxis(flagValue: string, def: AnyStrategyDefinition): Axis {
  const flag = `--param ${flagValue}`;
  const eq = flagValue.indexOf('=');
  if (eq <= 0) throw new UserError(`${flag}: expected name=v1,v2,... or name=lo..hi:step, e.g. --param fast=5,10,20`);
  const name = flagValue.slice(0, eq).trim();
  const text = flagValue.slice(eq + 1).trim();
  if (!(name in def.params)) {
    const known = Object.entries(def.params)
      .map(([k, v]) => `${k} (default ${String(v)})`)
      .join(', ');
    throw new UserError(`${flag}: strategy ${def.name} has no parameter "${name}"; its parameters are: ${known || '(none)'}`);
  }
  const dflt = def.params[name];
  if (text.includes('..')) {
    const m = RANGE.exec(text);
    if (m === null) throw new UserError(`${flag}: malformed range; write lo..hi:step with numbers, e.g. fast=5..50:5 (or lo..hi with --random)`);
    const [, loText = '', hiText = '', stepText] = m;
    const lo = num(loText, flag, 'low end');
    const hi = num(hiText, flag, 'high end');
    if (hi < lo)
      throw new UserError(`${flag}: the range is empty (${hi} < ${lo}): a grid with no points; write the low end first, e.g. ${name}=${hi}..${lo}${stepText === undefined ? '' : `:${stepText}`}`);
    if (typeof dflt !== 'number') throw new UserError(`${flag}: "${name}" is a ${typeof dflt} parameter of ${def.name}; a range only applies to numbers, list its values instead (${name}=a,b,c)`);
    if (stepText === undefined) return { name, kind: 'span', lo, hi, whole: Number.isInteger(lo) && Number.isInteger(hi) && Number.isInteger(dflt) };
    const step = num(stepText, flag, 'step');
    if (!(step > 0)) throw new UserError(`${flag}: the step must be > 0 (got ${stepText}); e.g. ${name}=${lo}..${hi}:1`);
    const places = Math.max(decimalsIn(loText), decimalsIn(stepText));
    const count = Math.floor((hi - lo) / step + 1e-9) + 1;
    if (count > MAX_GRID) throw new UserError(`${flag}: ${count.toLocaleString('en-US')} values on one axis; use a larger step`);
    const values = Array.from({ length: count }, (_, i) => Number((lo + i * step).toFixed(places)));
    return { name, kind: 'list', values };
  }
  const values = text
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v !== '');
  if (values.length === 0) throw new UserError(`${flag}: no values: a grid with no points; list them, e.g. ${name}=5,10,20, or give a range ${name}=5..50:5`);
  // Numbers stay numbers for a number parameter (the strategy would coerce them alike); anything else is the strategy's to judge.
  const numeric = typeof dflt === 'number' && values.every((v) => Number.isFinite(Number(v)));
  return { name, kind: 'list', values: numeric ? values.map(Number) : values };
}

export function parseAxes(flags: readonly string[] | undefined, def: AnyStrategyDefinition): Axis[] {
  if (flags === undefined || flags.length === 0) {
    throw new UserError(`a sweep needs at least one --param with the values to try, e.g. --param fast=5,10,20 (parameters of ${def.name}: ${Object.keys(def.params).join(', ')})`);
  }
  const axes = flags.map((f) => parseAxis(f, def));
  const seen = new Set<string>();
  for (const a of axes) {
    if (seen.has(a.name)) throw new UserError(`--param ${a.name} is given twice; give each parameter once, with all its values (${a.name}=a,b,c)`);
    seen.add(a.name);
  }
  return axes;
}

/** Number of grid points (Infinity when an axis is an unstepped range). */
export function gridSize(axes: readonly Axis[]): number {
  return axes.reduce((n, a) => n * (a.kind === 'list' ? a.values.length : Infinity), 1);
}

function pointAt(axes: readonly Axis[], index: number): ParamPoint {
  const out: Record<string, string | number> = {};
  let rest = index;
  for (let i = axes.length - 1; i >= 0; i--) {
    const a = axes[i] as Extract<Axis, { kind: 'list' }>;
    out[a.name] = a.values[rest % a.values.length] as string | number;
    rest = Math.floor(rest / a.values.length);
  }
  // Flag order in the record, whatever order the digits were read in.
  return Object.fromEntries(axes.map((a) => [a.name, out[a.name] as string | number]));
}

/** Every point of the grid, the first axis slowest. */
export function expandGrid(axes: readonly Axis[]): ParamPoint[] {
  const size = gridSize(axes);
  if (!Number.isFinite(size)) throw new UserError(`a range without a step (${axes.find((a) => a.kind === 'span')?.name}=lo..hi) is only drawn from: add :step, or --random N`);
  if (size > MAX_GRID) throw new UserError(`the grid has ${size.toLocaleString('en-US')} points (more than ${MAX_GRID.toLocaleString('en-US')}); sample it with --random N or use larger steps`);
  return Array.from({ length: size }, (_, i) => pointAt(axes, i));
}

/**
 * `count` distinct points drawn with `seed`: from the grid without replacement (all of it, in grid
 * order, when it has no more points than that), or uniformly from unstepped ranges.
 */
export function samplePoints(axes: readonly Axis[], count: number, seed: number): ParamPoint[] {
  const rng = createRng(seed);
  const size = gridSize(axes);
  if (Number.isFinite(size)) {
    if (count >= size) return expandGrid(axes);
    // Floyd's algorithm: `count` distinct indices without materializing the grid.
    const chosen = new Set<number>();
    for (let j = size - count; j < size; j++) {
      const t = Math.floor(rng.next() * (j + 1));
      chosen.add(chosen.has(t) ? j : t);
    }
    return [...chosen].sort((a, b) => a - b).map((i) => pointAt(axes, i));
  }
  const out: ParamPoint[] = [];
  const keys = new Set<string>();
  for (let tries = 0; out.length < count && tries < count * 20; tries++) {
    const p = Object.fromEntries(
      axes.map((a) => {
        if (a.kind === 'list') return [a.name, a.values[Math.floor(rng.next() * a.values.length)] as string | number];
        const x = a.whole ? a.lo + Math.floor(rng.next() * (a.hi - a.lo + 1)) : Number((a.lo + rng.next() * (a.hi - a.lo)).toPrecision(6));
        return [a.name, x];
      }),
    );
    const key = JSON.stringify(p);
    if (keys.has(key)) continue;
    keys.add(key);
    out.push(p);
  }
  return out;
}

/** "fast=5 slow=20": a point as people read it. */
export function pointText(p: ParamPoint): string {
  return Object.entries(p)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
}
