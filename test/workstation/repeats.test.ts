import { describe, expect, it } from 'vitest';
import { clientOrderId, symbol, type LoggedMessage } from '../../src/engine/index.ts';
import { RepeatFilter } from '../../src/workstation/repeats.ts';

const denied = (i: number, ts: number, reason = 'new entries are paused: only orders that reduce a position are allowed'): LoggedMessage => ({
  type: 'OrderDenied',
  clientOrderId: clientOrderId(`P-s-${i}`),
  symbol: symbol('XRPUSDT'),
  reason,
  tsEvent: ts,
  tsInit: ts,
});

describe('repeat filter', () => {
  it('shows a refusal repeated every second once a minute, with how many were held back', () => {
    const f = new RepeatFilter(60_000);
    const shown: { i: number; repeated: number }[] = [];
    for (let i = 0; i < 150; i++) {
      const r = f.pass(denied(i, i * 1000));
      if (r !== undefined) shown.push({ i, repeated: r.repeated });
    }
    expect(shown).toEqual([
      { i: 0, repeated: 0 },
      { i: 60, repeated: 59 },
      { i: 120, repeated: 59 },
    ]);
  });

  it('a different refusal, and every other message, always shows', () => {
    const f = new RepeatFilter(60_000);
    expect(f.pass(denied(1, 0))).toEqual({ repeated: 0 });
    expect(f.pass(denied(2, 1, 'insufficient cash'))).toEqual({ repeated: 0 });
    expect(f.pass(denied(3, 2))).toBeUndefined();
    const fill: LoggedMessage = { type: 'StrategyLogged', strategyId: 's' as never, message: 'x', tsInit: 3 };
    expect(f.pass(fill)).toEqual({ repeated: 0 });
    expect(f.pass(fill)).toEqual({ repeated: 0 });
  });
});
