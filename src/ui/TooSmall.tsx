/**
 * What a terminal below 80x24 shows instead of the workstation: one line saying so, cut to the
 * width it has (the engine keeps running; the layout comes back on resize).
 */
import { Box } from 'ink';
import { MIN_COLUMNS, MIN_ROWS } from './layout.ts';
import { Paint } from './Paint.tsx';
import { truncate } from '../workstation/format.ts';

/** The longest wording that fits `columns`. */
export function tooSmallMessage(columns: number, rows: number): string {
  const size = `${columns}x${rows}`;
  const need = `${MIN_COLUMNS}x${MIN_ROWS}`;
  const variants = [
    `terminal too small (${size}): Parity needs at least ${need} - still running, resize to see the workstation`,
    `terminal too small (${size}): needs ${need} - still running, resize to see it`,
    `terminal too small (${size}): needs ${need} - still running, resize`,
    `too small (${size}): needs ${need}, still running`,
    `too small (${size}), need ${need}`,
  ];
  return variants.find((v) => v.length <= columns) ?? truncate(variants[variants.length - 1] as string, Math.max(1, columns));
}

export function TooSmall({ columns, rows }: { columns: number; rows: number }) {
  return (
    <Box width={Math.max(1, columns)} height={1}>
      <Paint tone="yellow">{tooSmallMessage(columns, rows)}</Paint>
    </Box>
  );
}
