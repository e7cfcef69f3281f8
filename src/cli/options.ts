/** Option value parsers for commander: each rejects bad input with a message naming what is allowed. */
import { InvalidArgumentError } from 'commander';
import { parseDateArg } from '../data/time.ts';
import { UserError } from './errors.ts';

export function numberOption(what: { min?: number; max?: number; int?: boolean; gt?: number } = {}): (v: string) => number {
  return (v: string): number => {
    const n = Number(v.trim());
    const allowed = [
      what.int === true ? 'a whole number' : 'a number',
      what.gt !== undefined ? `> ${what.gt}` : what.min !== undefined ? `>= ${what.min}` : '',
      what.max !== undefined ? `<= ${what.max}` : '',
    ]
      .filter((s) => s !== '')
      .join(' ');
    const bad =
      v.trim() === '' ||
      !Number.isFinite(n) ||
      (what.int === true && !Number.isInteger(n)) ||
      (what.min !== undefined && n < what.min) ||
      (what.gt !== undefined && !(n > what.gt)) ||
      (what.max !== undefined && n > what.max);
    if (bad) throw new InvalidArgumentError(`expected ${allowed}.`);
    return n;
  };
}

/**
 * A grid step (`--tick`, `--lot`): a number > 0 with at most 18 decimals, the ledger's precision.
 * Checked on the number's shortest decimal form, which is what the ledger reads it as (the engine's
 * `decimalsOf` accepts exactly these: test/cli/options.test.ts); the engine is not loaded to parse flags.
 */
export function stepOption(v: string): number {
  const n = numberOption({ gt: 0 })(v);
  if (decimalPlaces(n) > 18) throw new InvalidArgumentError('expected a step > 0 with at most 18 decimals (e.g. 0.01).');
  return n;
}

/** Decimal places of a finite number's shortest form: 0.01 -> 2, 1e-7 -> 7, 1.5e-17 -> 18, 1e21 -> 0. */
export function decimalPlaces(n: number): number {
  const [mantissa = '', exp = '0'] = String(n).split('e');
  const dot = mantissa.indexOf('.');
  return Math.max(0, (dot < 0 ? 0 : mantissa.length - dot - 1) - Number(exp));
}

const URL_FORM = "expected the local exchange's base URL, http://127.0.0.1:PORT (the first line `parity exchange serve` prints)";

/** `--exchange-url`: an http:// URL with a host (the local exchange speaks plain HTTP and WebSocket on loopback). */
export function exchangeUrlOption(v: string): string {
  const text = v.trim();
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    url = undefined;
  }
  if (url === undefined || !/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
    // "127.0.0.1:8080" is not a URL (or one with the scheme "127.0.0.1:"): say what it lacks.
    const hint = /^[^\s/:]+:\d+$/.test(text) ? `: it needs the scheme, as in http://${text}` : '';
    throw new InvalidArgumentError(`not a URL${hint}; ${URL_FORM}.`);
  }
  if (url.protocol === 'https:') throw new InvalidArgumentError(`the local exchange serves plain http, not https; ${URL_FORM}.`);
  if (url.protocol !== 'http:') throw new InvalidArgumentError(`${url.protocol.slice(0, -1)} is not http; ${URL_FORM}.`);
  if (url.hostname === '') throw new InvalidArgumentError(`it names no host; ${URL_FORM}.`);
  return text;
}

/** Collects a repeatable option into a list. */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** Repeated `--param key=value` flags as a record (values stay strings; the strategy types them). */
export function parseParams(list: readonly string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of list ?? []) {
    const eq = p.indexOf('=');
    if (eq <= 0) throw new UserError(`--param ${p}: expected key=value, e.g. --param fast=10`);
    out[p.slice(0, eq).trim()] = p.slice(eq + 1).trim();
  }
  return out;
}

/** A `--from`/`--to` date flag as epoch ms (undefined when not given). */
export function dateFlag(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  const t = parseDateArg(text);
  if (Number.isNaN(t)) throw new UserError(`${flag} ${text}: not a date; use YYYY-MM-DD, YYYY-MM-DDTHH:MM (UTC) or epoch ms`);
  return t;
}

/** The workstation screen needs a terminal: without one, say how to run headless (exit 2). */
export function requireTerminal(command: string): void {
  if (process.stdout.isTTY === true && process.stdin.isTTY === true) return;
  throw new UserError(
    `${command} shows its workstation screen on a terminal, and this is not one (stdin/stdout are not a TTY). ` +
      'To run without a screen (systemd, a pipe, CI) add --no-ui: logs go to stdout as JSON lines, and `parity ctl` drives it.',
    2,
  );
}
