/**
 * Request weight, Binance style: each request costs the weight of its endpoint (table of
 * docs/dev/ccxt-binanceusdm-surface.md §3.3) in a per-wall-clock-minute window reported in
 * `X-MBX-USED-WEIGHT-1M`. Over the limit a request gets HTTP 429 with Retry-After (seconds to the
 * next minute) and -1003; whoever keeps going after `banAfter429` 429s in a minute is banned with
 * 418 for `banSeconds`.
 */
import type { RateLimitConfig } from './fault-engine.ts';
import type { Params } from './signing.ts';

function byLimit(limit: number | undefined, table: readonly [number, number][], dflt: number): number {
  if (limit === undefined) return dflt;
  for (const [max, w] of table) if (limit <= max) return w;
  return (table[table.length - 1] as [number, number])[1] * 2;
}

export function weightOf(method: string, path: string, p: Params): number {
  const limit = (): number | undefined => {
    const v = Number(p.str('limit'));
    return Number.isFinite(v) && v > 0 ? v : undefined;
  };
  const noSymbol = p.str('symbol') === undefined;
  switch (`${method} ${path}`) {
    case 'GET /fapi/v1/depth':
      return byLimit(
        limit(),
        [
          [50, 2],
          [100, 5],
          [500, 10],
          [1000, 20],
        ],
        2,
      );
    case 'GET /fapi/v1/klines':
      return byLimit(
        limit() ?? 500,
        [
          [99, 1],
          [499, 2],
          [1000, 5],
        ],
        5,
      );
    case 'GET /fapi/v1/ticker/24hr':
      return noSymbol ? 40 : 1;
    case 'GET /fapi/v1/ticker/bookTicker':
      return noSymbol ? 5 : 2;
    case 'GET /fapi/v1/aggTrades':
      return 20;
    case 'GET /fapi/v1/trades':
      return 5;
    case 'GET /fapi/v2/ticker/price':
      return 0;
    case 'GET /fapi/v1/openOrders':
      return noSymbol ? 40 : 1;
    case 'GET /fapi/v1/allOrders':
    case 'GET /fapi/v1/userTrades':
    case 'GET /fapi/v1/accountConfig':
      return 5;
    case 'GET /fapi/v2/balance': // Binance's "Futures Account Balance V2/V3" pages: weight 5
    case 'GET /fapi/v3/balance':
    case 'GET /fapi/v2/account': // "Account Information V2/V3": weight 5
    case 'GET /fapi/v3/account':
    case 'GET /fapi/v2/positionRisk': // "Position Information V2/V3": weight 5
    case 'GET /fapi/v3/positionRisk':
      return 5;
    case 'GET /fapi/v1/commissionRate':
      return 20;
    case 'GET /fapi/v1/income':
      return 30;
    case 'POST /fapi/v1/order':
      return 4;
    default:
      return 1;
  }
}

export type Admission = { readonly status: 200 | 429 | 418; readonly used: number; readonly retryAfter: number };

export class RateLimiter {
  private minute = -1;
  private used = 0;
  private rejected = 0;
  private bannedUntil = 0;

  admit(now: number, weight: number, cfg: RateLimitConfig): Admission {
    const minute = Math.floor(now / 60_000);
    if (minute !== this.minute) {
      this.minute = minute;
      this.used = 0;
      this.rejected = 0;
    }
    this.used += weight;
    const toNextMinute = Math.max(1, Math.ceil(((minute + 1) * 60_000 - now) / 1000));
    if (now < this.bannedUntil) return { status: 418, used: this.used, retryAfter: Math.ceil((this.bannedUntil - now) / 1000) };
    if (this.used <= cfg.weightPerMinute) return { status: 200, used: this.used, retryAfter: 0 };
    this.rejected++;
    if (this.rejected > cfg.banAfter429) {
      this.bannedUntil = now + cfg.banSeconds * 1000;
      return { status: 418, used: this.used, retryAfter: Math.max(1, Math.ceil(cfg.banSeconds)) };
    }
    return { status: 429, used: this.used, retryAfter: toNextMinute };
  }
}
