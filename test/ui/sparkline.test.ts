// Tests src/render/sparkline.ts; kept under test/ui/ with the TUI that uses it.
import { describe, expect, it } from 'vitest';
import { sparkline } from '../../src/render/sparkline.ts';

describe('sparkline', () => {
  it('scales samples between min and max, one block per sample', () => {
    expect(sparkline([0, 1, 2, 3, 4, 5, 6, 7], 8)).toBe('▁▂▃▄▅▆▇█');
    expect(sparkline([10, 20], 10)).toBe('▁█');
  });

  it('shows the most recent samples when there are more than the width', () => {
    expect(sparkline([100, 0, 7], 2)).toBe('▁█');
  });

  it('draws flat series at the bottom, gaps as spaces, nothing for no room', () => {
    expect(sparkline([5, 5, 5], 3)).toBe('▁▁▁');
    expect(sparkline([0, Number.NaN, 7], 3)).toBe('▁ █');
    expect(sparkline([1, 2], 0)).toBe('');
    expect(sparkline([], 5)).toBe('');
  });

  it('honours a fixed scale', () => {
    expect(sparkline([0, 50, 100], 3, { min: 0, max: 100 })).toBe('▁▅█');
    expect(sparkline([200], 1, { min: 0, max: 100 })).toBe('█');
  });
});
