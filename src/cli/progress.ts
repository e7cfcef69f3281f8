/**
 * A progress bar on stderr, drawn only when stderr is a terminal (never into pipes or logs).
 * Throttled to at most one redraw every 100 ms of wall time. With `eta`, the bar ends with the
 * time left at the rate so far; with `plain`, a stream that is not a terminal gets one line at each
 * tenth of the way (for logs and CI, where a redrawn line would be noise).
 */
export interface Progress {
  update(done: number, total: number): void;
  done(): void;
}

export interface ProgressOptions {
  readonly eta?: boolean;
  readonly plain?: boolean;
}

const NONE: Progress = { update: () => undefined, done: () => undefined };

/** "1:05" or "42s". */
export function durationText(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  return s >= 60 ? `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}` : `${s}s`;
}

function etaText(t0: number, frac: number): string {
  if (frac <= 0) return 'ETA --';
  if (frac >= 1) return `took ${durationText(performance.now() - t0)}`;
  return `ETA ${durationText(((performance.now() - t0) * (1 - frac)) / frac)}`;
}

function plainLines(label: string, stream: NodeJS.WriteStream, eta: boolean): Progress {
  const t0 = performance.now();
  let tenth = -1;
  return {
    update(done: number, total: number): void {
      const frac = total > 0 ? Math.min(1, done / total) : 1;
      const now = Math.floor(frac * 10);
      if (now <= tenth) return;
      tenth = now;
      stream.write(`${label}: ${(frac * 100).toFixed(0)}%${eta ? `, ${etaText(t0, frac)}` : ''}\n`);
    },
    done: () => undefined,
  };
}

export function progressBar(label: string, stream: NodeJS.WriteStream = process.stderr, options: ProgressOptions = {}): Progress {
  if (!stream.isTTY) return options.plain === true ? plainLines(label, stream, options.eta === true) : NONE;
  const t0 = performance.now();
  let last = 0;
  let shown = false;
  return {
    update(done: number, total: number): void {
      const now = performance.now();
      if (now - last < 100 && done < total) return;
      last = now;
      shown = true;
      const tail = options.eta === true ? 14 : 0;
      const width = Math.max(10, Math.min(40, (stream.columns ?? 80) - label.length - 20 - tail));
      const frac = total > 0 ? Math.min(1, done / total) : 1;
      const fill = Math.round(frac * width);
      const eta = options.eta === true ? `  ${etaText(t0, frac)}`.padEnd(tail) : '';
      stream.write(`\r${label} [${'#'.repeat(fill)}${' '.repeat(width - fill)}] ${(frac * 100).toFixed(0).padStart(3)}%${eta}`);
    },
    done(): void {
      if (shown) stream.write('\r\u001b[2K');
    },
  };
}
