/**
 * Open orders: id (its unique tail kept when cut), symbol, side, type, size, filled, limit price,
 * status and age (from the engine, so it needs no local clock).
 */
import type { WorkstationSnapshot } from '../../workstation/model.ts';
import { DataTable, type DataColumn } from '../DataTable.tsx';
import { fmtDuration, fmtPrice, fmtQty } from '../../workstation/format.ts';
import { fitTable } from '../table-fit.ts';
import type { Tone } from '../theme.ts';
import { Empty } from './Empty.tsx';
import type { PaneProps } from './pane-props.ts';

const sideTone = (t: string): Tone | undefined => (t.trim() === 'buy' ? 'green' : t.trim() === 'sell' ? 'red' : undefined);

const COLUMNS: readonly DataColumn[] = [
  { key: 'id', priority: 1, flex: true, minWidth: 8, truncate: 'start' },
  { key: 'symbol', priority: 10 },
  { key: 'side', priority: 10, tone: sideTone },
  { key: 'type', priority: 4 },
  { key: 'qty', align: 'right', priority: 9 },
  { key: 'filled', align: 'right', priority: 6 },
  { key: 'price', align: 'right', priority: 8 },
  { key: 'status', priority: 5 },
  { key: 'age', align: 'right', priority: 3 },
];

export function ordersSummary(s: WorkstationSnapshot): string {
  return `${s.orders.length} open`;
}

export function OrdersPane({ snap, width, height }: PaneProps) {
  if (snap.orders.length === 0) return <Empty text="no open orders" width={width} />;
  const rows = snap.orders.map((o) => ({
    id: o.id,
    symbol: o.symbol,
    side: o.side,
    type: o.type,
    qty: fmtQty(o.qty),
    filled: fmtQty(o.filled),
    price: o.price === undefined ? 'market' : fmtPrice(o.price),
    status: o.status,
    age: fmtDuration(o.ageMs),
  }));
  return <DataTable table={fitTable(COLUMNS, rows, width, height)} width={width} noun="orders" />;
}
