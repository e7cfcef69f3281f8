/**
 * The expectation band: is the live result within what the backtest of the same session could
 * have produced? (`parity report` over the replay's round trips; the divergence pane over the
 * shadow backtest's, while trading.) A circular block bootstrap of the replay's round-trip PnLs (blocks keep runs of
 * neighbouring trades together, so streaks are not averaged away): each resample draws as many
 * trades as the replay made, over the same horizon, and sums them. The band is the 5th to 95th
 * percentile of those sums; `percentile` is where the live round trips' sum falls among them.
 * Seeded from the session's seed: the same recording gives the same band.
 */
import { createRng, roundTrips, type LoggedMessage, type OrderFilled } from '../engine/index.ts';

export interface Band {
  readonly low: number;
  readonly high: number;
  /** Share of resampled sums at or below the live result, 0..100; null with no replay trades to resample. */
  readonly percentile: number | null;
  readonly within: boolean | null;
  readonly trades: number;
  readonly resamples: number;
  readonly block: number;
}

export const RESAMPLES = 2000;

export function blockBootstrap(returns: readonly number[], live: number, seed: number, resamples = RESAMPLES): Band {
  const n = returns.length;
  const block = Math.max(1, Math.round(Math.sqrt(n)));
  if (n === 0) return { low: 0, high: 0, percentile: null, within: null, trades: 0, resamples: 0, block: 0 };
  const rng = createRng(seed);
  const sums = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    let total = 0;
    let drawn = 0;
    while (drawn < n) {
      const start = Math.floor(rng.next() * n);
      for (let k = 0; k < block && drawn < n; k++, drawn++) total += returns[(start + k) % n] as number;
    }
    sums[r] = total;
  }
  sums.sort();
  const at = (q: number): number => sums[Math.min(resamples - 1, Math.max(0, Math.ceil(q * resamples) - 1))] as number;
  const low = at(0.05);
  const high = at(0.95);
  let below = 0;
  for (const s of sums) if (s <= live + 1e-12) below++;
  return { low, high, percentile: (100 * below) / resamples, within: live >= low - 1e-12 && live <= high + 1e-12, trades: n, resamples, block };
}

/**
 * The band kept up to date as round trips close: the bootstrap runs again only when a side has a
 * round trip more (the pane asks for it on every refresh).
 */
export class BandTracker {
  private key = '';
  private band: Band | undefined;
  constructor(private readonly seed: number) {}

  of(model: readonly number[], live: readonly number[]): Band & { readonly live: number } {
    const liveSum = live.reduce((a, b) => a + b, 0);
    const key = `${model.length}/${live.length}`;
    if (this.band === undefined || key !== this.key) [this.key, this.band] = [key, blockBootstrap(model, liveSum, this.seed)];
    return { ...this.band, live: liveSum };
  }
}

/** The round trips of a session's fills so far (their PnLs, net of fees), recounted only after a new fill. */
export class RoundTripTally {
  private readonly fills: OrderFilled[] = [];
  private pnls: number[] = [];
  private counted = 0;

  onMessage(m: LoggedMessage): void {
    if (m.type === 'OrderFilled') this.fills.push(m);
  }

  get trips(): readonly number[] {
    if (this.counted !== this.fills.length) [this.pnls, this.counted] = [roundTrips(this.fills).map((t) => t.pnl), this.fills.length];
    return this.pnls;
  }
}
