/**
 * Route table types and dispatch: `METHOD /path` -> { auth, handle }. Handlers are synchronous
 * functions of the request context; they return the JSON body or throw BinanceError. Paths that
 * are not served (including the `__unsupported` prefix the client URL map uses for non-USD-M
 * APIs) answer 404 with a JSON body, never a redirect or HTML.
 */
import type { Fixed } from './decimal.ts';
import type { ListenKeys } from './listen-keys.ts';
import type { ExchangeInfoFile } from './markets.ts';
import type { Params } from './signing.ts';
import type { Venue } from './venue.ts';

export interface Ctx {
  readonly v: Venue;
  readonly p: Params;
  readonly info: ExchangeInfoFile;
  readonly keys: ListenKeys;
  readonly fees: { readonly maker: Fixed; readonly taker: Fixed };
  /** Wall-clock now, ms. */
  readonly wallNow: number;
}

export interface Route {
  /** none: public; key: X-MBX-APIKEY only (listenKey); signed: key + HMAC + timestamp. */
  readonly auth: 'none' | 'key' | 'signed';
  readonly handle: (c: Ctx) => unknown;
}

export type RouteTable = Readonly<Record<string, Route>>;
