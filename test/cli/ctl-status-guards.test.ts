/** `parity ctl status` text for guard holds: each hold with its action, since when and why, and how a loss limit is lifted. */
import { describe, expect, it } from 'vitest';
import { formatStatus } from '../../src/cli/ctl/status.ts';
import { sampleSnapshot } from '../kit/fake-workstation.ts';

describe('ctl status guards', () => {
  it('lists the holds, says a loss limit needs a confirmed resume and that feed and drift holds lift by themselves', () => {
    const snap = sampleSnapshot();
    const since = snap.status.now - 60_000;
    const reason = 'daily loss limit reached: -312.40 <= -300 on the day; halt';
    const guards = [
      { source: 'loss-limit:daily', action: 'halt', reason, since },
      { source: 'drift:clock', action: 'reduce-size', reason: 'venue clock off by 1800 ms (limit 1000 ms): reduce-size', since },
    ];
    const out = formatStatus({ ...snap, status: { ...snap.status, state: 'HALTED', stateReason: reason, stateSetByEngine: true, guards } }, { stateDir: '/srv/parity' });
    const at = out.indexOf('guards (2):');
    expect(out[0]).toContain('live binanceusdm');
    expect(out.slice(at, at + 5)).toEqual([
      'guards (2):',
      `  loss-limit:daily: halt since 2024-12-12 13:40:07 UTC: ${reason}`,
      '  drift:clock: reduce-size since 2024-12-12 13:40:07 UTC: venue clock off by 1800 ms (limit 1000 ms): reduce-size',
      '  a loss limit stays until you lift it after checking: parity ctl resume --reason "<why>" --confirm --state-dir /srv/parity',
      '  stale-feed and drift holds lift by themselves when data flows again or the venue is back within bounds',
    ]);
    expect(out).toContain(`state: HALTED (set by the engine: ${reason})`);
    expect(formatStatus(snap, {})).toContain('guards: none');
  });
});
