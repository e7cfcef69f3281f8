/**
 * A progress bar on stderr, drawn only when stderr is a terminal (never into pipes or logs).
 * Throttled to at most one redraw every 100 ms of wall time.
 */
export interface Progress {
  update(done: number, total: number): void;
  done(): void;
}

const NONE: Progress = { update: () => undefined, done: () => undefined };

export function progressBar(label: string, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!stream.isTTY) return NONE;
  let last = 0;
  let shown = false;
  return {
    update(done: number, total: number): void {
      const now = performance.now();
      if (now - last < 100 && done < total) return;
      last = now;
      shown = true;
      const width = Math.max(10, Math.min(40, (stream.columns ?? 80) - label.length - 20));
      const frac = total > 0 ? Math.min(1, done / total) : 1;
      const fill = Math.round(frac * width);
      stream.write(`\r${label} [${'#'.repeat(fill)}${' '.repeat(width - fill)}] ${(frac * 100).toFixed(0).padStart(3)}%`);
    },
    done(): void {
      if (shown) stream.write('\r\u001b[2K');
    },
  };
}
