/**
 * Webhook alerts against a local HTTP server on 127.0.0.1: the JSON document and its order,
 * retries after a 5xx, a server that never answers, a refused connection, severity filtering,
 * coalescing of identical diffs, and that no error message ever holds the URL (it carries a token).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { alertUrlFrom, createAlerter, type AlerterOptions } from '../../src/workstation/alerts.ts';

interface Hook {
  readonly url: string;
  readonly received: { body: Record<string, unknown>; contentType: string | undefined; method: string | undefined }[];
}

const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

/** A webhook whose n-th request (0-based) is answered with `reply(n)`: a status, or 'hang' for never. */
async function hook(reply: (n: number) => number | 'hang' = () => 200): Promise<Hook> {
  const received: Hook['received'] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let text = '';
    req.on('data', (d: Buffer) => (text += d.toString()));
    req.on('end', () => {
      const r = reply(received.length);
      received.push({ body: JSON.parse(text) as Record<string, unknown>, contentType: req.headers['content-type'], method: req.method });
      if (r !== 'hang') res.writeHead(r).end('{}');
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/hooks/T0KEN-s3cret-123?key=abcdef`, received };
}

const T0 = Date.UTC(2025, 0, 2, 3, 4, 5);

function alerter(url: string | undefined, extra: Partial<AlerterOptions> = {}): { a: ReturnType<typeof createAlerter>; errors: string[]; clock: { t: number } } {
  const errors: string[] = [];
  const clock = { t: T0 };
  const a = createAlerter({ url, source: 'parity live binanceusdm BTCUSDT', onError: (m) => errors.push(m), now: () => clock.t, timeoutMs: 10_000, retryDelaysMs: [10, 20], ...extra }); // a loaded machine must not time a healthy post out (the hang test sets its own)
  return { a, errors, clock };
}

describe('alerts webhook', () => {
  it('posts the JSON document, in order, without blocking the caller', async () => {
    const h = await hook();
    const { a, errors } = alerter(h.url);
    expect(a.enabled).toBe(true);
    a.send({ kind: 'halt', message: 'daily loss limit reached', details: { dailyPnl: -512.3 } });
    a.send({ kind: 'crash-recovery', message: 'previous session was killed; state rebuilt' });
    a.send({ kind: 'breach', message: 'position notional over limit', severity: 'warn' });
    expect(h.received).toHaveLength(0); // send() only queued
    await a.flush();
    expect(h.received.map((r) => r.body)).toEqual([
      { kind: 'halt', severity: 'critical', message: 'daily loss limit reached', source: 'parity live binanceusdm BTCUSDT', at: '2025-01-02T03:04:05.000Z', details: { dailyPnl: -512.3 } },
      { kind: 'crash-recovery', severity: 'warn', message: 'previous session was killed; state rebuilt', source: 'parity live binanceusdm BTCUSDT', at: '2025-01-02T03:04:05.000Z' },
      { kind: 'breach', severity: 'warn', message: 'position notional over limit', source: 'parity live binanceusdm BTCUSDT', at: '2025-01-02T03:04:05.000Z' },
    ]);
    expect(h.received.every((r) => r.method === 'POST' && r.contentType === 'application/json')).toBe(true);
    expect(errors).toEqual([]);
  });

  it('retries after a 500 and delivers once', async () => {
    const h = await hook((n) => (n === 0 ? 500 : 200));
    const { a, errors } = alerter(h.url);
    a.send({ kind: 'halt', message: 'halted by operator' });
    a.send({ kind: 'halt', message: 'second' });
    await a.flush();
    expect(h.received.map((r) => r.body.message)).toEqual(['halted by operator', 'halted by operator', 'second']);
    expect(errors).toEqual([]);
  });

  it('gives up after 3 attempts on 5xx, with one message that does not hold the URL', async () => {
    const h = await hook(() => 503);
    const { a, errors } = alerter(h.url);
    a.send({ kind: 'halt', message: 'journal write failed' });
    await a.flush();
    expect(h.received).toHaveLength(3);
    expect(errors).toEqual(['the alert webhook did not take a critical halt alert ("journal write failed") after 3 attempts (HTTP 503); trading goes on']);
  });

  it('a 4xx is not retried', async () => {
    const h = await hook(() => 404);
    const { a, errors } = alerter(h.url);
    a.send({ kind: 'breach', message: 'x' });
    await a.flush();
    expect(h.received).toHaveLength(1);
    expect(errors).toEqual(['the alert webhook refused a critical breach alert ("x") (HTTP 404); check PARITY_ALERT_WEBHOOK or alerts.webhookUrl']);
  });

  it('a server that never answers: each attempt times out, then one error; later alerts still go out in order', async () => {
    const h = await hook((n) => (n < 3 ? 'hang' : 200));
    const { a, errors } = alerter(h.url, { timeoutMs: 100 });
    const t = Date.now();
    a.send({ kind: 'halt', message: 'first' });
    a.send({ kind: 'halt', message: 'second' });
    const until = Date.now() + 5_000;
    while (h.received.length === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
    expect(h.received.map((r) => r.body.message)).toEqual(['first']); // one at a time: the second waits
    await a.flush();
    expect(Date.now() - t).toBeGreaterThanOrEqual(300);
    expect(h.received.map((r) => r.body.message)).toEqual(['first', 'first', 'first', 'second']);
    expect(errors).toEqual(['the alert webhook did not take a critical halt alert ("first") after 3 attempts (no answer within 0.1 s); trading goes on']);
  });

  it('a refused connection: network error, and nothing in any message names the URL, host or token', async () => {
    const h = await hook();
    const dead = h.url;
    const s = servers.splice(0)[0] as Server;
    await new Promise((r) => s.close(r));
    const { a, errors } = alerter(dead);
    a.send({ kind: 'halt', message: 'm' });
    await a.flush();
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/network error \(ECONNREFUSED\)/);
    const { errors: bad } = alerter('ftp://user:pa55word-token@hooks.example/T0KEN-s3cret-123');
    expect(bad).toEqual(['the alert webhook URL (PARITY_ALERT_WEBHOOK or alerts.webhookUrl) is not a valid http(s) URL; alerts are off']);
    for (const e of [...errors, ...bad]) {
      for (const secret of ['127.0.0.1', 'T0KEN', 's3cret', 'abcdef', 'pa55word', 'hooks.example', 'http://', 'ftp://']) expect(e).not.toContain(secret);
    }
  });

  it('diffs below minDiffSeverity (default warn) are not sent; other kinds always are', async () => {
    const h = await hook();
    const { a } = alerter(h.url);
    a.send({ kind: 'diff', severity: 'info', message: 'fee drift' });
    a.send({ kind: 'diff', severity: 'warn', message: 'unknown order adopted' });
    a.send({ kind: 'diff', message: 'default severity is warn' });
    a.send({ kind: 'diff', severity: 'critical', message: 'position mismatch' });
    a.send({ kind: 'crash-recovery', severity: 'info', message: 'restarted' });
    await a.flush();
    expect(h.received.map((r) => r.body.message)).toEqual(['unknown order adopted', 'default severity is warn', 'position mismatch', 'restarted']);

    const h2 = await hook();
    const { a: onlyCritical } = alerter(h2.url, { minDiffSeverity: 'critical' });
    const { a: all } = alerter(h2.url, { minDiffSeverity: 'info' });
    onlyCritical.send({ kind: 'diff', severity: 'warn', message: 'w' });
    onlyCritical.send({ kind: 'diff', severity: 'critical', message: 'c' });
    await onlyCritical.flush();
    all.send({ kind: 'diff', severity: 'info', message: 'i' });
    await all.flush();
    expect(h2.received.map((r) => r.body.message)).toEqual(['c', 'i']);
  });

  it('identical diffs within 60 s are sent once; the next one after says how many were coalesced', async () => {
    const h = await hook();
    const { a, clock } = alerter(h.url);
    const diff = { kind: 'diff', severity: 'critical', message: 'venue shows -2,000 XRPUSDT, local books -1,500' } as const;
    a.send(diff);
    clock.t += 10_000;
    a.send(diff);
    a.send({ ...diff, message: 'another diff' });
    clock.t += 49_000;
    a.send(diff);
    a.send({ kind: 'halt', message: 'same halt' });
    a.send({ kind: 'halt', message: 'same halt' }); // only diffs are coalesced
    clock.t += 2000; // 61 s after the first
    a.send({ ...diff, details: { symbol: 'XRPUSDT' } });
    await a.flush();
    expect(h.received.map((r) => [r.body.message, r.body.details])).toEqual([
      [diff.message, undefined],
      ['another diff', undefined],
      ['same halt', undefined],
      ['same halt', undefined],
      [diff.message, { symbol: 'XRPUSDT', coalesced: 2 }],
    ]);
  });

  it('disabled without a URL: nothing sent, flush resolves', async () => {
    const { a, errors } = alerter(undefined);
    expect(a.enabled).toBe(false);
    a.send({ kind: 'halt', message: 'x' });
    await a.flush();
    expect(errors).toEqual([]);
  });

  it('alertUrlFrom: the environment wins over the config; blanks are ignored', () => {
    const config = { alerts: { webhookUrl: 'https://config.example/hook' } };
    expect(alertUrlFrom({ PARITY_ALERT_WEBHOOK: 'https://env.example/hook' }, config)).toBe('https://env.example/hook');
    expect(alertUrlFrom({ PARITY_ALERT_WEBHOOK: '  ' }, config)).toBe('https://config.example/hook');
    expect(alertUrlFrom({}, config)).toBe('https://config.example/hook');
    expect(alertUrlFrom({}, {})).toBeUndefined();
  });
});
