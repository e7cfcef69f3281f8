/**
 * Request parameters and authentication, as Binance does them. Parameters come from the raw query
 * string and the form body (a name given twice is -1101). Signed requests: API key (-2015), then
 * HMAC-SHA256 over the raw `query + body` without the `signature` parameter, byte for byte (-1022),
 * then `timestamp` against the WALL clock and `recvWindow` (-1021): clients sign with their wall
 * clock, so accelerated virtual time never breaks signing.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { parseParamDecimal, type Fixed } from './decimal.ts';
import { BinanceError, err, illegal, invalidValue, mandatory } from './errors.ts';

export interface RawRequest {
  readonly method: string;
  readonly path: string;
  /** Raw query string (after '?', may be empty). */
  readonly query: string;
  readonly body: string;
  readonly apiKey: string | undefined;
}

export class Params {
  constructor(private readonly map: ReadonlyMap<string, string>) {}

  has(name: string): boolean {
    return this.map.has(name);
  }

  str(name: string): string | undefined {
    const v = this.map.get(name);
    return v === undefined || v === '' ? undefined : v;
  }

  required(name: string): string {
    const v = this.str(name);
    if (v === undefined) throw mandatory(name);
    return v;
  }

  int(name: string, range?: { min?: number; max?: number }): number | undefined {
    const v = this.str(name);
    if (v === undefined) return undefined;
    if (!/^-?[0-9]{1,20}$/.test(v)) throw new BinanceError(-1100, `Illegal characters found in parameter '${name}'; legal range is '^[0-9]{1,20}$'.`);
    const n = Number(v);
    if ((range?.min !== undefined && n < range.min) || (range?.max !== undefined && n > range.max)) throw invalidValue(name);
    return n;
  }

  decimal(name: string): Fixed | undefined {
    const v = this.str(name);
    if (v === undefined) return undefined;
    const d = parseParamDecimal(v);
    if (d === undefined) throw illegal(name);
    return d;
  }

  bool(name: string): boolean | undefined {
    const v = this.str(name);
    if (v === undefined) return undefined;
    if (v === 'true' || v === 'TRUE') return true;
    if (v === 'false' || v === 'FALSE') return false;
    throw invalidValue(name);
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], code: number): T | undefined {
    const v = this.str(name);
    if (v === undefined) return undefined;
    if (!(allowed as readonly string[]).includes(v)) throw err(code);
    return v as T;
  }
}

function pairs(text: string): [string, string][] {
  if (text === '') return [];
  return [...new URLSearchParams(text)];
}

export function parseParams(r: RawRequest): Params {
  const map = new Map<string, string>();
  for (const [k, v] of [...pairs(r.query), ...pairs(r.body)]) {
    if (map.has(k)) throw err(-1101);
    map.set(k, v);
  }
  return new Params(map);
}

const SIG = /(^|&)signature=([^&]*)/;

function withoutSignature(text: string): { rest: string; sig?: string } {
  const m = SIG.exec(text);
  if (m === null) return { rest: text };
  const start = m.index;
  const end = start + m[0].length;
  const rest = m[1] === '&' ? text.slice(0, start) + text.slice(end) : text.slice(end + (text[end] === '&' ? 1 : 0));
  return { rest, sig: decodeURIComponent(m[2] ?? '') };
}

export function checkApiKey(r: RawRequest, apiKey: string): void {
  const k = r.apiKey;
  if (k === undefined || k !== apiKey) throw err(-2015);
}

export interface SignOptions {
  readonly apiKey: string;
  readonly secret: string;
  /** Wall-clock now, ms. */
  readonly now: number;
}

export function checkSigned(r: RawRequest, p: Params, o: SignOptions): void {
  checkApiKey(r, o.apiKey);
  const q = withoutSignature(r.query);
  const b = withoutSignature(r.body);
  const sig = q.sig ?? b.sig;
  if (sig === undefined || sig === '') throw mandatory('signature');
  const payload = q.rest + b.rest;
  const want = sign(payload, o.secret);
  const got = Buffer.from(sig.toLowerCase());
  if (got.length !== want.length || !timingSafeEqual(got, Buffer.from(want))) throw err(-1022);
  const ts = p.int('timestamp');
  if (ts === undefined) throw mandatory('timestamp');
  const win = p.int('recvWindow') ?? 5000;
  if (win > 60_000) throw err(-1131);
  if (ts > o.now + 1000 || o.now - ts > win) throw err(-1021);
}

/** HMAC-SHA256 hex of `payload`, as Binance checks it and ccxt computes it (also for tests and tools). */
export function sign(payload: string, secret: string): string {
  return createHmac('sha256', secret).update(payload).digest('hex');
}
