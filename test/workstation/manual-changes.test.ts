/**
 * Changes made by hand on the exchange while Parity is down (a position closed, an order canceled,
 * a new order placed) are found at restart, shown as diffs, and handled by the configured policy:
 * adopted (the default), or trading starts paused and says why.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { startSession, type Session } from '../../src/cli/run/session.ts';
import { buildRunSpec } from '../../src/cli/run/spec.ts';
import { nodeScheduler } from '../../src/cli/node-scheduler.ts';
import type { Config } from '../../src/config/config.ts';
import { startLocalExchange, type LocalExchange } from '../../src/exchanges/local/index.ts';

const HOLDER = fileURLToPath(new URL('../kit/strategies/holder.ts', import.meta.url));
const settle = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function session(lx: LocalExchange, stateDir: string, config: Config = {}): Promise<{ s: Session; records: Record<string, unknown>[] }> {
  const records: Record<string, unknown>[] = [];
  const spec = buildRunSpec({ stateDir, mode: 'live', exchange: 'local', exchangeUrl: lx.url, symbol: ['XRPUSDT'], strategy: HOLDER, timeframe: '5m', warmup: 0, feed: 'bars', leverage: 5 }, config);
  const s = await startSession(spec, { log: (r) => records.push(r) }, { scheduler: nodeScheduler, env: {} });
  return { s, records };
}

async function downtimeChanges(lx: LocalExchange, stateDir: string): Promise<{ resting: string; external: string }> {
  const a = await session(lx, stateDir);
  await settle(150);
  for (let i = 0; i < 3; i++) {
    lx.advance(300_000);
    await settle(100);
  }
  const resting = a.s.kernel.orders.open()[0]?.clientOrderId as string;
  expect(a.s.kernel.portfolio.position('XRPUSDT').qty).toBe(100);
  expect(resting).toMatch(/^P-holder-/);
  await a.s.stop('maintenance');
  // While Parity is down, someone uses the website:
  lx.external.closePosition('XRPUSDT');
  const order = lx.state().orders.find((o) => o.clientOrderId === resting);
  lx.external.cancelOrder('XRPUSDT', order?.orderId as number);
  const placed = lx.external.placeOrder({ symbol: 'XRPUSDT', side: 'SELL', type: 'LIMIT', quantity: 50, price: 1.25, clientOrderId: 'web_manual_1' }) as { clientOrderId: string };
  return { resting, external: placed.clientOrderId };
}

describe('manual action on the exchange while Parity is down', () => {
  it('is found at restart, shown as diffs, and adopted by default', async () => {
    const lx = await startLocalExchange({ mode: 'manual', startingBalance: 100_000 });
    const dir = mkdtempSync(join(tmpdir(), 'parity-manual-'));
    try {
      const { resting, external } = await downtimeChanges(lx, dir);
      const b = await session(lx, dir);
      try {
        const diffs = b.records.filter((r) => r['kind'] === 'diff');
        const text = diffs.map((d) => `${String(d['diff'])}: ${String(d['message'])} -> ${String(d['resolution'])}`).join('\n');
        expect(text).toMatch(/order_unknown: .*fill\(s\) \(sell 100 XRPUSDT\) of an order unknown here.* -> adopted/); // the position closed by hand
        expect(text).toMatch(new RegExp(`order_missing: order ${resting} is accepted here but canceled at the venue -> closed`));
        expect(text).toMatch(new RegExp(`order_unknown: an outside order ${external} \\(sell 50 XRPUSDT @ 1.25\\) is open at the venue but unknown here -> adopted`));
        const rec = b.records.find((r) => r['kind'] === 'reconciled') as Record<string, unknown>;
        expect(rec['positions']).toEqual({ XRPUSDT: 0 });
        expect(rec['openOrders']).toEqual([external]);
        expect(b.s.kernel.tradingState).toBe('active');
        expect(b.s.kernel.portfolio.position('XRPUSDT').qty).toBe(0);
      } finally {
        await b.s.stop('test done');
      }
    } finally {
      await lx.close();
    }
  }, 60_000);

  it('starts paused and says why when the policy is to pause', async () => {
    const lx = await startLocalExchange({ mode: 'manual', startingBalance: 100_000 });
    const dir = mkdtempSync(join(tmpdir(), 'parity-manual-'));
    try {
      const { external } = await downtimeChanges(lx, dir);
      const b = await session(lx, dir, { reconciliation: { unknownOrder: 'pause', position: 'pause', balance: 'pause' } });
      try {
        const rec = b.records.find((r) => r['kind'] === 'reconciled') as Record<string, unknown>;
        expect(rec['state']).toBe('reducing');
        expect(rec['reason']).toMatch(new RegExp(`paused by reconciliation: an outside order ${external}`));
        expect(b.records.some((r) => r['kind'] === 'diff' && r['severity'] === 'critical')).toBe(true);
      } finally {
        await b.s.stop('test done');
      }
    } finally {
      await lx.close();
    }
  }, 60_000);
});
