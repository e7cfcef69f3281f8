/**
 * A table through @alcalzone/ink-table, colored through the theme. It draws a table the pane has
 * already fitted (fitTable in table-fit.ts), so a pane that needs the fit to decide its layout (a
 * dropped column, the room left for a sparkline) fits its rows once per frame, not twice.
 * Two adjustments to ink-table's defaults, both for a 24-row terminal: the rule between
 * data rows is dropped (ink-table draws one under every row, which halves the rows a pane can
 * show), and the heading/border/cell renderers respect NO_COLOR (ink-table's defaults are bold
 * blue). Cells are colored by a per-column tone function of their text (signs, severities, sides).
 */
import { createContext, useContext, type ReactNode } from 'react';
import { Box } from 'ink';
import { Table, type CellProps, type TableProps } from '@alcalzone/ink-table';
import { Paint } from './Paint.tsx';
import type { Tone } from './theme.ts';
import type { ColumnSpec, FittedTable } from './table-fit.ts';

/** A column as a pane declares it: the fitting rules plus how its cells are colored. */
export interface DataColumn extends ColumnSpec {
  readonly tone?: (text: string) => Tone | undefined;
}

type Row = Record<string, string>;

const ToneContext = createContext<readonly DataColumn[]>([]);

function HeadingCell({ children }: { children?: ReactNode }) {
  return <Paint bold>{children}</Paint>;
}

function RuleCell({ children }: { children?: ReactNode }) {
  return <Paint tone="gray">{children}</Paint>;
}

function DataCell({ column, children }: CellProps) {
  const columns = useContext(ToneContext);
  const text = typeof children === 'string' ? children : '';
  const tone = columns[column]?.tone?.(text);
  return <Paint tone={tone}>{children}</Paint>;
}

/** ink-table without the rule between data rows (see the header comment). */
class DenseTable extends Table<Row> {
  constructor(props: Pick<TableProps<Row>, 'data'> & Partial<TableProps<Row>>) {
    super(props);
    this.separator = () => <></>;
  }
}

export interface DataTableProps {
  /** The table as fitTable(columns, rows, width, height) returned it for this pane. */
  readonly table: FittedTable<DataColumn>;
  /** The pane's width in characters (the "more" line is cut to it). */
  readonly width: number;
  /** What the hidden rows are called in the "… N more" line (default "rows"). */
  readonly noun?: string;
}

export function DataTable({ table: fitted, width, noun = 'rows' }: DataTableProps) {
  const spec = fitted.columns.map((c) => ({ key: c.key, align: c.align ?? 'left' }));
  return (
    <Box flexDirection="column" width={width}>
      <ToneContext.Provider value={fitted.columns}>
        <DenseTable data={fitted.rows.map((r) => ({ ...r }))} columns={spec} header={HeadingCell} skeleton={RuleCell} cell={DataCell} />
      </ToneContext.Provider>
      {fitted.hidden > 0 ? <Paint tone="gray">{`… ${fitted.hidden} more ${noun} (a taller terminal shows more)`}</Paint> : null}
    </Box>
  );
}
