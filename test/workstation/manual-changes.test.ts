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
import { startLocalExchange, type LocalExchange } from '../../src/local-exchange/index.ts';
import { handleCtl } from '../../src/cli/run/operations.ts';
import { wireAlerts } from '../../src/workstation/alert-rules.ts';
import type { Alert } from '../../src/workstation/alerts.ts';

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

describe('a fresh state directory on an account with leftovers', () => {
  it("takes the venue's books once (no fill counted twice), shows the diffs everywhere, and says RUNNING with no false cause", async () => {
    const lx = await startLocalExchange({ mode: 'manual', startingBalance: 100_000, warmupBars: 20 });
    const dir = mkdtempSync(join(tmpdir(), 'parity-leftovers-'));
    try {
      // Earlier trading by hand: buy, sell, buy (500 held), and a resting order.
      for (const side of ['BUY', 'SELL', 'BUY'] as const) {
        lx.external.placeOrder({ symbol: 'XRPUSDT', side, type: 'MARKET', quantity: 500 });
        lx.advance(60_000);
      }
      const placed = lx.external.placeOrder({ symbol: 'XRPUSDT', side: 'BUY', type: 'LIMIT', quantity: 50, price: 1.04, clientOrderId: 'web_rest_1' }) as { clientOrderId: string };
      const { s, records } = await session(lx, dir, { risk: { dailyLossLimit: 50 } });
      try {
        expect(s.kernel.portfolio.position('XRPUSDT').qty).toBe(500);
        const rec = records.find((r) => r['kind'] === 'reconciled') as Record<string, unknown>;
        expect(rec['positions']).toEqual({ XRPUSDT: 500 });
        expect(records.filter((r) => r['kind'] === 'diff' && r['diff'] === 'position_mismatch')).toEqual([]);
        const snap = s.workstation.snapshot();
        expect(snap.status).toMatchObject({ state: 'RUNNING', stateReason: '' });
        const shown = snap.diffs.map((d) => `${d.kind}: ${d.message}`).join('\n');
        expect(shown).toMatch(/adopted_at_start: position XRPUSDT 500 @ .* was already open at the venue/);
        expect(shown).toMatch(new RegExp(`adopted_at_start: order ${placed.clientOrderId} .* was already open at the venue`));
        expect(snap.events.some((e) => /adopted/.test(e.text))).toBe(true);
        const ctl = await handleCtl(s, { cmd: 'status' });
        expect(ctl.status?.diffs.filter((d) => d.kind === 'adopted_at_start').length).toBeGreaterThanOrEqual(2);
        // Alerts wired after the start still hear about it.
        const sent: Alert[] = [];
        wireAlerts(s.tap, { enabled: true, send: (a) => void sent.push(a), flush: () => Promise.resolve() });
        expect(sent.filter((a) => a.kind === 'diff' && /already open at the venue/.test(a.message)).length).toBeGreaterThanOrEqual(2);
        // Looking again finds nothing: the books taken at the start are the venue's.
        expect((await s.workstation.send({ type: 'reconcile' }, 'tui')).message).toBe('reconciled: engine and venue agree');
        expect(s.kernel.portfolio.position('XRPUSDT').qty).toBe(500);
      } finally {
        await s.stop('test done');
      }
    } finally {
      await lx.close();
    }
  }, 60_000);
});

describe("the operator's choice on a diff that paused trading", () => {
  it.each(['adopt', 'flatten'] as const)(
    "%s: applied on the operator's word, audited, the diff closed; trading stays paused until a confirmed resume",
    async (choice) => {
      const lx = await startLocalExchange({ mode: 'manual', startingBalance: 100_000 });
      const dir = mkdtempSync(join(tmpdir(), 'parity-choice-'));
      try {
        const { external } = await downtimeChanges(lx, dir);
        const b = await session(lx, dir, { reconciliation: { unknownOrder: 'pause' } });
        try {
          const waiting = b.s.workstation.snapshot().diffs.filter((d) => d.choices.length > 0);
          expect(waiting).toMatchObject([{ kind: 'order_unknown', choices: ['adopt', 'flatten'], resolution: 'pausing' }]);
          const id = (waiting[0] as { id: string }).id;
          expect(b.s.workstation.snapshot().status).toMatchObject({ state: 'PAUSED', stateSetByEngine: true });
          const r = await b.s.workstation.send({ type: 'resolve', diffId: id, choice, reason: 'checked on the website' }, 'ctl');
          expect(r).toMatchObject({ ok: true, message: expect.stringMatching(/trading stays PAUSED until you resume/) });
          if (choice === 'flatten') await b.s.desk.settled();
          const snap = b.s.workstation.snapshot();
          expect(snap.diffs.find((d) => d.id === id)).toMatchObject({
            choices: [],
            resolution: expect.stringMatching(choice === 'adopt' ? /adopted by the operator: checked on the website/ : /flattened by the operator/),
          });
          const venueOpen = lx.state().orders.filter((o) => o.status === 'NEW' && o.clientOrderId === external);
          if (choice === 'adopt') {
            expect(b.s.kernel.orders.get(external as never)).toBeDefined();
            expect(venueOpen).toHaveLength(1);
          } else {
            expect(venueOpen).toHaveLength(0);
            expect(Number(lx.state().positions.find((p) => p.symbol === 'XRPUSDT')?.qty ?? 0)).toBe(0);
          }
          expect(snap.status.state).toBe('PAUSED');
          expect(snap.events.some((e) => e.level === 'audit' && /resolve by ctl: checked on the website/.test(e.text))).toBe(true);
          // The same id again: already handled, nothing changes.
          expect(await b.s.workstation.send({ type: 'resolve', diffId: id, choice, reason: 'again' }, 'ctl')).toMatchObject({ ok: false });
        } finally {
          await b.s.stop('test done');
        }
      } finally {
        await lx.close();
      }
    },
    60_000,
  );
});
