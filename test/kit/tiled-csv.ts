/**
 * A long candle file from a short real one: the rows repeated `times` times end to end, each copy
 * shifted by the file's span, so the open times stay one continuous series (the prices repeat).
 */
export function tiledCsv(text: string, times: number): string {
  const lines = text.trimEnd().split('\n');
  const rows = lines.slice(1);
  const span = Number(rows.at(-1)?.split(',')[0]) - Number(rows[0]?.split(',')[0]) + 60_000;
  const copies = Array.from({ length: times }, (_, k) =>
    rows
      .map((r) => {
        const f = r.split(',');
        return [Number(f[0]) + k * span, ...f.slice(1)].join(',');
      })
      .join('\n'),
  );
  return `${lines[0] as string}\n${copies.join('\n')}\n`;
}
