import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSession } from '../../src/cli/run/session.ts';
import { buildRunSpec } from '../../src/cli/run/spec.ts';
import { nodeScheduler } from '../../src/cli/node-scheduler.ts';
import { startLocalExchange, type LocalExchange } from '../../src/exchanges/local/index.ts';
import { parity, parityAsync } from '../kit/cli.ts';

const OVERSIZE = fileURLToPath(new URL('../kit/strategies/oversize.ts', import.meta.url));
const settle = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
let lx: LocalExchange;

beforeAll(async () => {
  lx = await startLocalExchange({ mode: 'manual' });
});
afterAll(async () => lx.close());

describe('parity run: bad input gets a clear message', () => {
  it('no terminal and no --no-ui: says how to run headless', () => {
    const r = parity(['run', '--state-dir', mkdtempSync(join(tmpdir(), 'parity-run-')), '--exchange', 'local', '--exchange-url', 'http://127.0.0.1:9', '--symbol', 'BTCUSDT']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^parity: parity run shows its workstation screen on a terminal, and this is not one .* add --no-ui/);
  });

  it('an unknown exchange id', () => {
    const r = parity(['run', '--no-ui', '--state-dir', mkdtempSync(join(tmpdir(), 'parity-run-')), '--exchange', 'nosuchex', '--symbol', 'BTCUSDT']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^parity: unknown exchange id "nosuchex"/);
  });

  it('a symbol the exchange does not list', async () => {
    const r = await parityAsync(['run', '--no-ui', '--state-dir', mkdtempSync(join(tmpdir(), 'parity-run-')), '--exchange', 'local', '--exchange-url', lx.url, '--symbol', 'DOGEUSDT']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^parity: symbol DOGEUSDT is not listed on binanceusdm/);
  });

  it('keys the exchange refuses (401): nothing is traded', async () => {
    const r = await parityAsync(['run', '--no-ui', '--state-dir', mkdtempSync(join(tmpdir(), 'parity-run-')), '--mode', 'live', '--exchange', 'local', '--exchange-url', lx.url, '--symbol', 'BTCUSDT'], { env: { PARITY_API_KEY: 'wrong-key', PARITY_API_SECRET: 'wrong-secret' } });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/the venue refused the API key/);
    expect(r.stderr + r.stdout).not.toMatch(/wrong-secret/);
  });

  it('a key file others can read is refused', async () => {
    const { writeFileSync, chmodSync, mkdtempSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const f = join(mkdtempSync(join(tmpdir(), 'parity-key-')), 'keys.json');
    writeFileSync(f, JSON.stringify({ apiKey: 'a', secret: 'b' }));
    chmodSync(f, 0o644);
    const r = parity(['run', '--no-ui', '--state-dir', mkdtempSync(join(tmpdir(), 'parity-run-')), '--mode', 'live', '--exchange', 'local', '--exchange-url', lx.url, '--symbol', 'BTCUSDT', '--key-file', f]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/readable by others \(mode 644\); run: chmod 600/);
  });

  it('insufficient margin and below-minimum orders are refused one by one; the session keeps running', async () => {
    const records: Record<string, unknown>[] = [];
    const spec = buildRunSpec({ stateDir: mkdtempSync(join(tmpdir(), 'parity-run-')), mode: 'live', exchange: 'local', exchangeUrl: lx.url, symbol: ['XRPUSDT'], strategy: OVERSIZE, timeframe: '5m', warmup: 0, feed: 'bars', leverage: 125 }, {});
    const s = await startSession(spec, { log: (r) => records.push(r) }, { scheduler: nodeScheduler, env: {} });
    try {
      await settle(150);
      for (let i = 0; i < 4; i++) {
        lx.advance(5 * 60_000);
        await settle(80);
      }
      const rejected = records.find((r) => r['type'] === 'OrderRejected');
      const denied = records.find((r) => r['type'] === 'OrderDenied');
      expect(rejected?.['reason']).toMatch(/Margin is insufficient/);
      expect(denied?.['reason']).toMatch(/below the minimum 5 USDT/);
      expect(s.kernel.tradingState).toBe('active');
      expect(records.filter((r) => r['kind'] === 'halt')).toEqual([]);
    } finally {
      await s.stop('test done');
    }
  });
});

describe('parity run --mode paper', () => {
  it('trades the live feed on the simulated venue: fills happen, the exchange sees no order', async () => {
    const CHURN = fileURLToPath(new URL('../kit/strategies/churn.ts', import.meta.url));
    const records: Record<string, unknown>[] = [];
    const spec = buildRunSpec({ stateDir: mkdtempSync(join(tmpdir(), 'parity-run-')), mode: 'paper', exchange: 'local', exchangeUrl: lx.url, symbol: ['XRPUSDT'], strategy: CHURN, timeframe: '5m', warmup: 5, feed: 'bars,quotes', latency: '0' }, {});
    const s = await startSession(spec, { log: (r) => records.push(r) }, { scheduler: nodeScheduler, env: {} });
    try {
      const before = lx.state().orders.length;
      await settle(150);
      for (let i = 0; i < 8; i++) {
        lx.advance(5 * 60_000);
        await settle(80);
      }
      const fills = records.filter((r) => r['type'] === 'OrderFilled');
      expect(fills.length).toBeGreaterThan(3);
      expect(lx.state().orders.length).toBe(before);
      expect(s.kernel.portfolio.position('XRPUSDT').qty).toBeGreaterThanOrEqual(0);
    } finally {
      await s.stop('test done');
    }
  });
});
