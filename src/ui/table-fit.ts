/**
 * Fits a table to a width and a height before @alcalzone/ink-table draws it, so no table can wrap
 * or overflow its pane. ink-table sizes a column as its longest cell (or heading, which is the
 * column key) plus one space each side, and draws one border character between and around columns:
 * width = sum(longest + 2) + columns + 1. Fitting truncates the flexible column (a message, an
 * order id) down to its minimum; when that is not enough it drops the least important column and
 * tries again with the rest at full width; a last column still too wide is cut.
 * Heights: a table takes 3 lines of chrome (top rule, headings, bottom rule) plus one per row;
 * rows beyond the room are summarized as "… N more".
 */
import { truncate } from '../workstation/format.ts';

export type Align = 'left' | 'right';

export interface ColumnSpec {
  /** Column key, also its heading text. */
  readonly key: string;
  readonly align?: Align;
  /** Columns with the lowest priority are dropped first when the table is too wide (default 0). */
  readonly priority?: number;
  /** Shrinks (cells truncated with "…") before any column is dropped. */
  readonly flex?: boolean;
  /** Smallest content width a flexible column shrinks to (default: its heading's length). */
  readonly minWidth?: number;
  /** Which end of a truncated cell is kept: 'end' keeps the start (default), 'start' keeps the tail. */
  readonly truncate?: 'end' | 'start';
}

export type TableRow = Readonly<Record<string, string>>;

export interface FittedTable<C extends ColumnSpec = ColumnSpec> {
  readonly columns: readonly C[];
  readonly rows: readonly TableRow[];
  /** Width in characters as ink-table will draw it. */
  readonly width: number;
  /** Rows that did not fit the height (shown as a "more" line by the caller). */
  readonly hidden: number;
}

/** Lines a table of `rows` data rows takes (top rule, headings, rows, bottom rule). */
export const TABLE_CHROME = 3;

function contentWidth(col: ColumnSpec, rows: readonly TableRow[]): number {
  let w = col.key.length;
  for (const r of rows) w = Math.max(w, (r[col.key] ?? '').length);
  return w;
}

function tableWidth(widths: readonly number[]): number {
  return widths.reduce((a, w) => a + w + 2, 0) + widths.length + 1;
}

/** Width in characters of the table unfitted (every column at its longest cell), rows all counted. */
export function naturalWidth(columns: readonly ColumnSpec[], rows: readonly TableRow[]): number {
  return tableWidth(columns.map((c) => contentWidth(c, rows)));
}

/**
 * The columns and rows to draw so the table is at most `maxWidth` wide and at most `maxLines`
 * lines tall (chrome included; one line is kept for the "more" note when rows are hidden).
 */
export function fitTable<C extends ColumnSpec>(columns: readonly C[], rows: readonly TableRow[], maxWidth: number, maxLines: number = Number.POSITIVE_INFINITY): FittedTable<C> {
  const room = Math.max(0, maxLines - TABLE_CHROME);
  const shown = rows.length <= room ? rows : rows.slice(0, Math.max(0, room - 1));
  let cols = [...columns];
  let widths: number[] = [];
  // For the columns still in: natural widths, flexible ones shrunk (not below their minimum); if
  // that is not enough, drop the least important column and start again from natural widths.
  for (;;) {
    widths = cols.map((c) => contentWidth(c, shown));
    let over = tableWidth(widths) - maxWidth;
    cols.forEach((c, i) => {
      const w = widths[i] as number;
      const min = Math.max(c.minWidth ?? c.key.length, 1);
      if (over > 0 && c.flex === true && w > min) {
        const cut = Math.min(over, w - min);
        widths[i] = w - cut;
        over -= cut;
      }
    });
    if (over <= 0 || cols.length === 0) break;
    if (cols.length === 1) {
      // One column left and still too wide: cut it to the room there is.
      widths = [Math.max(1, maxWidth - 4)];
      break;
    }
    let drop = 0;
    for (let i = 1; i < cols.length; i++) {
      if ((cols[i]?.priority ?? 0) < (cols[drop]?.priority ?? 0)) drop = i;
    }
    cols = cols.filter((_, i) => i !== drop);
  }
  const fittedRows = shown.map((r) => {
    const out: Record<string, string> = {};
    cols.forEach((c, i) => {
      out[c.key] = truncate(r[c.key] ?? '', widths[i] as number, c.truncate ?? 'end');
    });
    return out;
  });
  const fittedCols: C[] = cols.map((c, i) => (c.key.length > (widths[i] as number) ? { ...c, key: c.key.slice(0, widths[i]) } : c));
  // A heading cut to fit keeps its rows addressable under the new key.
  const renamed = fittedRows.map((r) => {
    const out: Record<string, string> = {};
    cols.forEach((c, i) => {
      out[(fittedCols[i] as C).key] = r[c.key] ?? '';
    });
    return out;
  });
  return { columns: fittedCols, rows: renamed, width: tableWidth(widths), hidden: rows.length - shown.length };
}
