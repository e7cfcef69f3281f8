/**
 * A live session against a venue whose clock is a bar behind ours (the local exchange started at
 * the previous bar's open). Before the session measures the venue's clock its clock reads ours; the
 * first measurement is taken as it is. Slewed down from ours instead (never back), the session's
 * clock stayed ahead of the venue's for twice the gap, the warm-up took the forming bar as closed,
 * and its real close was then dropped as already had: the session never decided on it (a CI run
 * caught this when it started within a second after a 5-minute boundary).
 */
import { describe, expect, it } from 'vitest';
import { BAR } from '../kit/drill.ts';
import { recordSession } from '../kit/recorded-session.ts';

describe('a session whose venue clock is behind ours', () => {
  it('warms up on closed bars only and decides on the first bar that closes after it starts', async () => {
    let logs: readonly Record<string, unknown>[] = [];
    const startTime = Math.floor(Date.now() / BAR) * BAR - BAR;
    await recordSession('live', 2, { exchange: { startTime }, args: ['--param', 'size=100000'], logs: (l) => (logs = l) });
    const started = logs.find((r) => r['kind'] === 'started');
    expect(started?.['offsetMs']).toBeLessThan(-BAR + 5_000);
  }, 180_000);
});
