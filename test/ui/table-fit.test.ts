import { describe, expect, it } from 'vitest';
import { fitTable, naturalWidth, type ColumnSpec } from '../../src/ui/table-fit.ts';

const cols: ColumnSpec[] = [
  { key: 'sev', priority: 10 },
  { key: 'kind', priority: 4 },
  { key: 'symbol', priority: 7 },
  { key: 'message', priority: 9, flex: true, minWidth: 12 },
  { key: 'time', priority: 2 },
];
const rows = [{ sev: 'CRIT', kind: 'position-mismatch', symbol: 'XRPUSDT', message: 'venue shows -2,000 XRPUSDT, local books -1,500', time: '13:40:07' }];

describe('fitTable', () => {
  it('keeps everything when it fits, measuring like ink-table', () => {
    const f = fitTable(cols, rows, 200);
    expect(f.columns.map((c) => c.key)).toEqual(['sev', 'kind', 'symbol', 'message', 'time']);
    // (4+2) + (17+2) + (7+2) + (46+2) + (8+2) + 6 borders
    expect(f.width).toBe(98);
  });

  it('shrinks the flexible column first, then drops the least important columns', () => {
    const f = fitTable(cols, rows, 90);
    expect(f.columns.map((c) => c.key)).toEqual(['sev', 'kind', 'symbol', 'message', 'time']);
    expect(f.width).toBeLessThanOrEqual(90);
    expect(f.rows[0]?.['message']).toMatch(/…$/);

    const mid = fitTable(cols, rows, 60);
    expect(mid.columns.map((c) => c.key)).toEqual(['sev', 'kind', 'symbol', 'message']);
    const narrow = fitTable(cols, rows, 50);
    expect(narrow.columns.map((c) => c.key)).toEqual(['sev', 'symbol', 'message']);
    expect(narrow.width).toBeLessThanOrEqual(50);
    // After dropping, the message gets its natural width back if it fits.
    const roomy = cols.map((c) => (c.key === 'message' ? { ...c, minWidth: 40 } : c));
    const back = fitTable(roomy, rows, 80);
    expect(back.columns.map((c) => c.key)).toEqual(['sev', 'symbol', 'message']);
    expect(back.rows[0]?.['message']).toBe('venue shows -2,000 XRPUSDT, local books -1,500');
  });

  it('never exceeds the width, even with one column left', () => {
    for (let w = 8; w <= 120; w++) expect(fitTable(cols, rows, w).width).toBeLessThanOrEqual(w);
  });

  it('cuts a last column to one character as the cut mark', () => {
    const f = fitTable([{ key: 'id' }], [{ id: 'P-sma-cross-000141' }, { id: 'x' }], 5);
    expect(f.rows.map((r) => r['i'])).toEqual(['…', 'x']);
    expect(f.width).toBe(5);
  });

  it('measures the natural width without fitting', () => {
    expect(naturalWidth(cols, rows)).toBe(fitTable(cols, rows, 200).width);
    expect(naturalWidth(cols, rows)).toBeGreaterThan(fitTable(cols, rows, 90).width);
  });

  it('keeps the tail of an id when asked', () => {
    const f = fitTable(
      [
        { key: 'id', flex: true, minWidth: 8, truncate: 'start' },
        { key: 'qty', priority: 9 },
      ],
      [{ id: 'P-sma-cross-000141', qty: '0.25' }],
      20,
    );
    expect(f.rows[0]?.['id']).toBe('…s-000141');
    expect(f.width).toBe(20);
  });

  it('fits the height, leaving a line for "more"', () => {
    const many = Array.from({ length: 30 }, (_, i) => ({ ...rows[0], time: String(i) }));
    const f = fitTable(cols, many, 200, 10);
    expect(f.rows).toHaveLength(6);
    expect(f.hidden).toBe(24);
    expect(fitTable(cols, many.slice(0, 7), 200, 10).hidden).toBe(0);
  });
});
