/**
 * Fees from the venue, through the real binary against the local exchange: paper mode (and the
 * shadow backtest, which takes the same models) charges the account's rates the venue tells
 * (GET /fapi/v1/commissionRate through ccxt's fetchTradingFee), not the defaults; a flag or a
 * model file overrides them; the `fees` log record says which was used. The recording's models
 * (what a replay simulates with) carry the rates in force.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalExchange, type LocalExchange } from '../../src/local-exchange/index.ts';
import { readRecording } from '../../src/persistence/recording.ts';
import { localXrp5m, parityAsync } from '../kit/cli.ts';

let lx: LocalExchange;
beforeAll(async () => {
  // Rates no default has: only the venue can be where they came from.
  lx = await startLocalExchange({ mode: 'manual', fees: { maker: 0.00013, taker: 0.00037 } });
});
afterAll(() => lx.close());

async function start(...flags: string[]): Promise<{ fees: Record<string, unknown>; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'parity-fees-'));
  const r = await parityAsync(['run', '--no-ui', '--mode', 'paper', ...localXrp5m(lx.url), '--warmup', '5', '--param', 'size=10', '--duration', '1', '--state-dir', dir, ...flags]);
  expect(r.code, r.stderr).toBe(0);
  const records = r.stdout.split('\n').flatMap((l) => (l.startsWith('{') ? [JSON.parse(l) as Record<string, unknown>] : []));
  const fees = records.filter((x) => x['kind'] === 'fees');
  expect(fees).toHaveLength(1);
  return { fees: fees[0] as Record<string, unknown>, dir };
}

describe('paper fees come from the venue unless overridden', () => {
  it("takes the account's rates from the venue and says so; the recording's models carry them", async () => {
    const { fees, dir } = await start();
    expect(fees).toMatchObject({ source: 'account', maker: 0.00013, taker: 0.00037 });
    expect(fees['msg']).toMatch(/^fees: maker 1\.3 bps, taker 3\.7 bps: the account's rates for XRPUSDT, from local$/);
    const models = readRecording(dir).sessions.at(-1)?.header.models as { fees: unknown };
    expect(models.fees).toEqual({ maker: 0.00013, taker: 0.00037 });
  }, 60_000);

  it('a flag wins over the venue, and so does a model file', async () => {
    const flag = await start('--fee-bps', '6', '--maker-fee-bps', '1');
    expect(flag.fees).toMatchObject({ source: 'flag', maker: 0.0001, taker: 0.0006 });
    expect(flag.fees['msg']).toMatch(/from --fee-bps/);
    const file = join(mkdtempSync(join(tmpdir(), 'parity-fees-model-')), 'model.json');
    writeFileSync(file, JSON.stringify({ fees: { maker: 0.0003, taker: 0.0009 } }));
    const model = await start('--model', file);
    expect(model.fees).toMatchObject({ source: 'model', maker: 0.0003, taker: 0.0009 });
    expect((readRecording(model.dir).sessions.at(-1)?.header.models as { fees: unknown }).fees).toEqual({ maker: 0.0003, taker: 0.0009 });
  }, 60_000);
});
