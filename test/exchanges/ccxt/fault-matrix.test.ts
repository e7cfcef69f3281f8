import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
/**
 * The live path (kernel, runtime, ccxt adapter, ccxt's real binanceusdm) against the local exchange
 * under each fault the exchange can inject, with a strategy that trades on every bar. Whatever the
 * fault: no order is ever doubled, and no fill is ever counted twice.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { startSession, type Session } from '../../../src/cli/run/session.ts';
import { buildRunSpec } from '../../../src/cli/run/spec.ts';
import { nodeScheduler } from '../../../src/cli/node-scheduler.ts';
import { startLocalExchange, type FaultScript, type LocalExchange } from '../../../src/local-exchange/index.ts';
import type { OrderFilled } from '../../../src/engine/index.ts';

const CHURN = fileURLToPath(new URL('../../kit/strategies/churn.ts', import.meta.url));
const settle = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const MATRIX: [string, FaultScript][] = [
  ['REST latency and spikes', { latency: 'lognormal:5,40', rest: [{ path: '/fapi/v1/order', method: 'POST', nth: [3, 9], action: { type: 'latency', ms: 800 } }] }],
  [
    '429 with Retry-After, then 418',
    {
      rest: [
        { path: '/fapi/v1/order', method: 'POST', nth: [2, 6], action: { type: 'status', status: 429, retryAfter: 1 } },
        { path: '/fapi/v1/order', method: 'DELETE', nth: [3], action: { type: 'status', status: 418, retryAfter: 1 } },
      ],
    },
  ],
  [
    '5xx, executed or not',
    {
      rest: [
        { path: '/fapi/v1/order', method: 'POST', nth: [2], action: { type: 'status', status: 503, process: true } },
        { path: '/fapi/v1/order', method: 'POST', nth: [5], action: { type: 'status', status: 502 } },
      ],
    },
  ],
  [
    'timeouts after and before processing',
    {
      rest: [
        { path: '/fapi/v1/order', method: 'POST', nth: [2, 7], action: { type: 'timeout', process: true } },
        { path: '/fapi/v1/order', method: 'POST', nth: [4], action: { type: 'timeout', process: false, reset: true } },
      ],
    },
  ],
  [
    'dropped WebSockets',
    {
      ws: [
        { stream: 'user', nth: [4, 12] },
        { stream: 'market', nth: [30] },
      ],
    },
  ],
  ['fills duplicated', { userStream: [{ action: 'duplicate', events: 'fills', probability: 0.5 }] }],
  ['fills before the order ack', { userStream: [{ action: 'beforeAck', events: 'all', probability: 1 }] }],
  ['fills never delivered', { userStream: [{ action: 'drop', events: 'fills', nth: [2, 3, 6] }] }],
  ['partial fills', { partialFills: { pieces: 3, probability: 1 } }],
  ['rejects', { rest: [{ path: '/fapi/v1/order', method: 'POST', probability: 0.25, action: { type: 'reject', code: -2019 } }] }],
];

async function storm(faults: FaultScript, bars: number, during?: (lx: LocalExchange, bar: number) => void): Promise<{ lx: LocalExchange; session: Session; fills: OrderFilled[] }> {
  const lx = await startLocalExchange({ mode: 'manual', startingBalance: 100_000, seed: 3 });
  const fills: OrderFilled[] = [];
  const spec = buildRunSpec(
    { stateDir: mkdtempSync(join(tmpdir(), 'parity-run-')), mode: 'live', exchange: 'local', exchangeUrl: lx.url, symbol: ['XRPUSDT'], strategy: CHURN, timeframe: '5m', warmup: 10, feed: 'bars' },
    {},
  );
  const session = await startSession(spec, { log: (r) => void (r['type'] === 'OrderFilled' && fills.push(r as unknown as OrderFilled)) }, { scheduler: nodeScheduler, env: {}, requestTimeoutMs: 600 });
  await settle(150);
  lx.setFaults(faults);
  for (let i = 0; i < bars; i++) {
    during?.(lx, i);
    lx.advance(5 * 60_000);
    await settle(60);
  }
  lx.setFaults({});
  await settle(1500); // retries and lookups finish
  return { lx, session, fills };
}

function checkInvariants(lx: LocalExchange, session: Session, fills: readonly OrderFilled[]): void {
  const st = lx.state();
  // No order doubled: one venue order per client id, and the engine agrees on which.
  for (const [cid, n] of Object.entries(st.counters.ordersByClientOrderId)) expect({ cid, n }).toEqual({ cid, n: 1 });
  expect(st.counters.internalErrors).toEqual([]);
  // No fill counted twice: every trade id booked once, and never more than the venue executed.
  const ids = fills.map((f) => `${f.venueOrderId}/${f.tradeId}`);
  expect(new Set(ids).size).toBe(ids.length);
  const venueTrades = new Set(st.trades.map((t) => `${t.orderId}/${t.id}`));
  for (const id of ids) expect(venueTrades.has(id)).toBe(true);
  for (const o of session.kernel.orders.list()) {
    const v = st.orders.find((x) => x.clientOrderId === o.clientOrderId);
    expect(o.filledQty).toBeLessThanOrEqual(v === undefined ? 0 : Number(v.executedQty) + 1e-9);
  }
  // The engine's position is the sum of what it booked.
  const booked = fills.reduce((q, f) => q + (f.side === 'buy' ? f.lastQty : -f.lastQty), 0);
  expect(session.kernel.portfolio.position('XRPUSDT').qty).toBeCloseTo(booked, 9);
}

describe('fault matrix: the live path never doubles an order or counts a fill twice', () => {
  for (const [name, faults] of MATRIX) {
    it(name, async () => {
      const { lx, session, fills } = await storm(faults, 24);
      try {
        const fired = Object.values(lx.state().counters.faults).reduce((a, b) => a + b, 0);
        expect(fired).toBeGreaterThan(0); // the fault really happened
        expect(fills.length).toBeGreaterThan(3); // and trading went on
        checkInvariants(lx, session, fills);
      } finally {
        await session.stop('test done');
        await lx.close();
      }
    });
  }

  it('an order or position changed by hand is not doubled or double counted either', async () => {
    const { lx, session, fills } = await storm({}, 16, (x, bar) => {
      if (bar === 5) x.external.closePosition('XRPUSDT');
      if (bar === 9) x.external.cancelAll('XRPUSDT');
      if (bar === 12) x.external.placeOrder({ symbol: 'XRPUSDT', side: 'SELL', type: 'LIMIT', quantity: 20, price: 1.3 });
    });
    try {
      checkInvariants(
        lx,
        session,
        fills.filter((f) => f.clientOrderId.startsWith('P-')),
      );
    } finally {
      await session.stop('test done');
      await lx.close();
    }
  });
});
