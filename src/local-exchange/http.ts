/**
 * The REST pipeline, in Binance's order: count the request, parse parameters, request weight
 * (429 / 418), injected faults (latency, error status, reject, timeout), route, authentication,
 * handler, response. A malformed request gets Binance's error JSON; an unexpected exception gets
 * -1000 (HTTP 500) and is recorded, never a crash. Responses always carry JSON and
 * X-MBX-USED-WEIGHT-1M; a request held by the timeout fault is answered never (or reset).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { BinanceError, MESSAGES } from './errors.ts';
import type { FaultEngine } from './fault-engine.ts';
import type { UserOutbox } from './outbox.ts';
import { RateLimiter, weightOf } from './rate-limit.ts';
import type { Ctx, RouteTable } from './router.ts';
import { checkApiKey, checkSigned, parseParams, type Params, type RawRequest } from './signing.ts';

export interface HttpDeps {
  readonly routes: RouteTable;
  readonly faults: FaultEngine;
  readonly outbox: UserOutbox;
  readonly apiKey: string;
  readonly apiSecret: string;
  readonly wallNow: () => number;
  /** Brings virtual time up to date (realtime mode) before a request is processed. */
  readonly pump: () => void;
  readonly ctx: (p: Params) => Ctx;
  readonly counters: { requests: Record<string, number>; internalErrors: string[] };
  /** Sockets of requests held open by the timeout fault, destroyed on close. */
  readonly hanging: Set<ServerResponse>;
}

const MAX_BODY = 1 << 20;
const sleep = (ms: number): Promise<void> => (ms > 0 ? new Promise((r) => setTimeout(r, ms)) : Promise.resolve());

function readBody(req: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY) chunks.push(c);
    });
    req.on('end', () => resolve(size > MAX_BODY ? undefined : Buffer.concat(chunks).toString('utf8')));
    req.on('error', () => resolve(undefined));
  });
}

export function httpHandler(d: HttpDeps): (req: IncomingMessage, res: ServerResponse) => void {
  const limiter = new RateLimiter();
  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}, done?: () => void): void => {
    if (res.destroyed) return done?.();
    res.writeHead(status, { 'Content-Type': 'application/json;charset=UTF-8', ...headers });
    res.end(JSON.stringify(body), done);
  };
  const hang = (res: ServerResponse, reset: boolean | undefined): void => {
    if (reset === true) res.socket?.destroy();
    else {
      d.hanging.add(res);
      res.on('close', () => d.hanging.delete(res));
    }
  };

  return (req, res) => {
    void (async () => {
      const method = req.method ?? 'GET';
      const url = req.url ?? '/';
      const q = url.indexOf('?');
      const path = q < 0 ? url : url.slice(0, q);
      d.counters.requests[path] = (d.counters.requests[path] ?? 0) + 1;
      const body = await readBody(req);
      if (body === undefined) return send(res, 413, { code: -1000, msg: 'Request body too large.' });
      const header = req.headers['x-mbx-apikey'];
      const raw: RawRequest = { method, path, query: q < 0 ? '' : url.slice(q + 1), body, apiKey: Array.isArray(header) ? header[0] : header };
      let params: Params;
      try {
        params = parseParams(raw);
      } catch (e) {
        return send(res, 400, e instanceof BinanceError ? e.body() : { code: -1000, msg: MESSAGES[-1000] });
      }
      const adm = limiter.admit(d.wallNow(), weightOf(method, path, params), d.faults.rateLimit);
      const headers: Record<string, string> = { 'X-MBX-USED-WEIGHT-1M': String(adm.used) };
      if (adm.status !== 200) {
        d.faults.count(adm.status === 429 ? 'rate-limit-429' : 'rate-limit-418', `${method} ${path} (weight ${adm.used})`);
        const msg =
          adm.status === 429
            ? MESSAGES[-1003]
            : `Way too much request weight used; IP banned until ${d.wallNow() + adm.retryAfter * 1000}. Please use WebSocket Streams for live updates to avoid bans.`;
        return send(res, adm.status, { code: -1003, msg }, { ...headers, 'Retry-After': String(adm.retryAfter) });
      }
      const f = d.faults.rest(method, path);
      await sleep(f.latency / 2);
      const a = f.action;
      if (a?.type === 'timeout' && !a.process) {
        d.faults.count('timeout-dropped', `${method} ${path} not processed, never answered`);
        return hang(res, a.reset);
      }
      if (a?.type === 'reject') {
        d.faults.count('reject', `${method} ${path} -> ${a.code}`);
        return send(res, 400, { code: a.code, msg: a.msg ?? MESSAGES[a.code] ?? 'Request rejected.' }, headers);
      }
      const statusFault = (): void => {
        if (a?.type !== 'status') return;
        const retry = a.retryAfter ?? (a.status === 429 || a.status === 418 ? 60 : undefined);
        const code = a.code ?? (a.status === 429 || a.status === 418 ? -1003 : a.status === 503 && a.process === true ? -1007 : -1001);
        d.faults.count(`status-${a.status}`, `${method} ${path}${a.process === true ? ' (processed)' : ''}`);
        send(res, a.status, { code, msg: a.msg ?? MESSAGES[code] ?? 'Service unavailable.' }, retry === undefined ? headers : { ...headers, 'Retry-After': String(retry) });
      };
      if (a?.type === 'status' && a.process !== true) return statusFault();

      d.pump();
      const route = d.routes[`${method} ${path}`];
      const run = d.outbox.collect(() => {
        if (route === undefined) return undefined;
        if (route.auth === 'signed') checkSigned(raw, params, { apiKey: d.apiKey, secret: d.apiSecret, now: d.wallNow() });
        else if (route.auth === 'key') checkApiKey(raw, d.apiKey);
        return route.handle(d.ctx(params));
      });
      if (a?.type === 'timeout') {
        d.faults.count('timeout-processed', `${method} ${path} processed, never answered`);
        run.batch.release();
        return hang(res, a.reset);
      }
      await sleep(f.latency / 2);
      if (a?.type === 'status') {
        run.batch.release();
        return statusFault();
      }
      let status = 200;
      let out: unknown;
      if (route === undefined) [status, out] = [404, { msg: `The local exchange does not serve ${method} ${path}.` }];
      else if (run.ok) out = run.result;
      else if (run.error instanceof BinanceError) [status, out] = [run.error.status, run.error.body()];
      else {
        d.counters.internalErrors.push(`${method} ${path}: ${run.error instanceof Error ? (run.error.stack ?? run.error.message) : String(run.error)}`);
        [status, out] = [500, { code: -1000, msg: MESSAGES[-1000] }];
      }
      if (run.batch.kinds().length > 0 && d.faults.beforeAck(run.batch.kinds())) {
        d.faults.count('user-events-before-ack', `${method} ${path}`);
        run.batch.release();
        await sleep(20); // let the events reach the client before the ack does
      }
      send(res, status, out, headers, run.batch.release);
    })().catch((e: unknown) => {
      d.counters.internalErrors.push(`pipeline: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      if (!res.headersSent && !res.destroyed) send(res, 500, { code: -1000, msg: MESSAGES[-1000] });
    });
  };
}
