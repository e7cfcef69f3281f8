/**
 * `parity replay` validates market data as the session did: the bad-data breaker's settings in
 * force (config `data.validation`) are in the recording's header, and the replay uses them, not
 * the defaults. A paper session recorded by the real binary against the local exchange, whose
 * fault script sends the third closing kline 20% high, with a breaker loosened to take it
 * (spikePct 0.5: only a 50% move is a spike): the session trades on that bar, and so must the
 * replay (with the defaults, spikePct 0.15, it would drop it and decide differently).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readRecording } from '../../src/persistence/recording.ts';
import { recordSession } from '../kit/recorded-session.ts';
import { report, runParity as run } from '../kit/report-json.ts';

describe('parity replay with the session data validation', () => {
  let dir: string;
  beforeAll(async () => {
    const cfg = join(mkdtempSync(join(tmpdir(), 'parity-rpval-')), 'config.json');
    writeFileSync(cfg, JSON.stringify({ data: { validation: { spikePct: 0.5 } } }));
    const spike = { action: 'spike' as const, pct: 20, direction: 'up' as const, symbols: ['XRPUSDT'], streams: ['kline' as const], nth: [3] };
    dir = await recordSession('paper', 6, { args: ['--config', cfg], exchange: { faults: { marketData: [spike] } } });
  }, 90_000);

  it('records the settings in the header; the replay takes the bar the session took and reproduces every decision', async () => {
    const s = readRecording(dir).sessions.at(-1);
    expect(s?.header.validation).toMatchObject({ spikePct: 0.5 });
    // The spiked bar is in the recording, as received: 20% over the bar before it.
    const closes = (s?.data ?? []).flatMap(({ d }) => (d.type === 'bar' ? [d.close] : []));
    expect(closes.some((c, i) => i > 0 && c > (closes[i - 1] as number) * 1.15)).toBe(true);
    const r = JSON.parse((await run('replay', dir, '--json')).stdout) as { dataQuality: Record<string, number> };
    expect(r.dataQuality['spike']).toBe(0);
    expect(r.dataQuality['dropped']).toBe(0);
    const j = await report(dir);
    expect(j.signals.live).toBeGreaterThan(0);
    expect(j.signals.matchRate).toBe(1);
  }, 60_000);
});
