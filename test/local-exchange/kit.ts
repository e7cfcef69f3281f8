/** Helpers for the local exchange tests: a ccxt client pointed at it, raw signed requests, waiting. */
import ccxt from 'ccxt';
import { afterAll, beforeAll } from 'vitest';
import { localBinanceUsdmUrls, signBinanceRequest, startLocalExchange, type LocalExchange, type LocalExchangeOptions } from '../../src/local-exchange/index.ts';

export type Client = InstanceType<typeof ccxt.pro.binanceusdm>;

const linearExact = (new ccxt.binanceusdm() as unknown as { exceptions: { linear: { exact: Record<string, unknown> } } }).exceptions.linear.exact;

/** ccxt.pro.binanceusdm configured as spec §1.2 says (and loadHttpProxyAgent called). */
export async function client(lx: LocalExchange, o: { apiKey?: string; secret?: string; timeout?: number } = {}): Promise<Client> {
  const ex = new ccxt.pro.binanceusdm({
    apiKey: o.apiKey ?? 'local',
    secret: o.secret ?? 'local',
    urls: localBinanceUsdmUrls(lx.port),
    timeout: o.timeout ?? 10_000,
    enableRateLimit: false, // ccxt's own throttle would only slow the tests (the server limits weight itself)
    options: { fetchCurrencies: false, fetchOpenOrders: { warnWithoutSymbol: false } },
    exceptions: { exact: linearExact },
  } as unknown as ConstructorParameters<typeof ccxt.pro.binanceusdm>[0]);
  await ex.loadHttpProxyAgent();
  return ex;
}

/**
 * One local exchange and a ccxt client on it (markets loaded) for a test file: started before its
 * tests, handed to `use`, closed after them.
 */
export function withLocalExchange(opts: LocalExchangeOptions, use: (lx: LocalExchange, ex: Client) => void): void {
  let lx: LocalExchange | undefined;
  let ex: Client | undefined;
  beforeAll(async () => {
    lx = await startLocalExchange(opts);
    ex = await client(lx);
    await ex.loadMarkets();
    use(lx, ex);
  });
  afterAll(async () => {
    await ex?.close();
    await lx?.close();
  });
}

export interface RawResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly json: unknown;
}

/** A raw request; `signed` adds timestamp, recvWindow and the signature the way ccxt does. */
export async function raw(
  lx: LocalExchange,
  method: string,
  path: string,
  params: Record<string, string> = {},
  o: { signed?: boolean; apiKey?: string; secret?: string; timestamp?: number } = {},
): Promise<RawResponse> {
  let query = new URLSearchParams(params).toString();
  const headers: Record<string, string> = {};
  if (o.signed === true) {
    query = new URLSearchParams({ timestamp: String(o.timestamp ?? Date.now()), ...params, recvWindow: '10000' }).toString();
    query += `&signature=${signBinanceRequest(query, o.secret ?? 'local')}`;
  }
  if (o.signed === true || o.apiKey !== undefined) headers['X-MBX-APIKEY'] = o.apiKey ?? 'local';
  const inBody = method === 'POST' || method === 'PUT';
  if (inBody) headers['Content-Type'] = 'application/x-www-form-urlencoded';
  const res = await fetch(`${lx.url}${path}${!inBody && query !== '' ? `?${query}` : ''}`, { method, headers, ...(inBody ? { body: query } : {}) });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: res.status, headers: res.headers, json };
}

/** Waits until `cond` holds (polling), failing after `ms`. */
export async function until(cond: () => boolean, ms = 3000, what = 'condition'): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Races a promise against a timeout. */
export function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([p, new Promise<T>((_, rej) => setTimeout(() => rej(new Error(`timed out: ${what}`)), ms))]);
}

export const BTC = 'BTC/USDT:USDT';
export const XRP = 'XRP/USDT:USDT';

/** ccxt and the user stream need a little wall time for sockets; this gives the event loop a turn. */
export const tick = (ms = 10): Promise<void> => new Promise((r) => setTimeout(r, ms));
