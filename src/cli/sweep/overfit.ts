/**
 * How likely a sweep's best run is overfit (docs/research.md gives the method and its sources):
 *
 * - The probability of backtest overfitting (PBO) by combinatorially symmetric cross-validation
 *   (Bailey, Borwein, López de Prado & Zhu 2015): the runs' per-bar returns cut into S blocks; for
 *   each of the C(S, S/2) ways to take half the blocks as in-sample, the run with the best
 *   in-sample Sharpe ratio is ranked among all runs on the other half; PBO is the share of splits
 *   where it lands at or below the median (logit <= 0).
 * - The deflated Sharpe ratio (DSR) of the best run (Bailey & López de Prado 2014): the probability
 *   that its true Sharpe ratio exceeds the largest one N trials of no skill would show, given the
 *   variance of the trials' Sharpe ratios, the length of the series, its skewness and kurtosis.
 *
 * Pure functions over per-run summaries of returns (ReturnStats), so a worker on any machine can
 * compute its part and only a few numbers per run travel. Sharpe ratios here are per bar, not
 * annualized (the DSR formula is in the returns' own frequency).
 */

/** Sums of one run's per-bar returns, whole and per block: enough for every statistic below. */
export interface ReturnStats {
  readonly n: number;
  readonly mean: number;
  /** Sample standard deviation (n - 1). */
  readonly std: number;
  readonly skew: number;
  /** Kurtosis, not excess: 3 for a normal distribution. */
  readonly kurtosis: number;
  /** Per block: [count, sum, sum of squares], blocks in time order. */
  readonly blocks: readonly (readonly [number, number, number])[];
}

/**
 * Per-bar simple returns of an equity curve (the first against `start`), as the summary's Sharpe
 * takes them, summarized into moments and `blockCount` contiguous blocks of near-equal length.
 */
export function returnStats(equity: ArrayLike<number>, start: number, blockCount: number): ReturnStats {
  const n = equity.length;
  // Each pass works the returns out again (the same doubles each time) rather than keeping them:
  // an array of them would be fresh memory every run, which costs more than the divisions.
  const ret = (i: number): number => {
    const prev = i === 0 ? start : (equity[i - 1] as number);
    return prev !== 0 ? (equity[i] as number) / prev - 1 : 0;
  };
  let sum = 0;
  for (let i = 0; i < n; i++) sum += ret(i);
  const mean = n > 0 ? sum / n : 0;
  let m2 = 0;
  let m3 = 0;
  let m4 = 0;
  for (let i = 0; i < n; i++) {
    const d = ret(i) - mean;
    const d2 = d * d;
    m2 += d2;
    m3 += d2 * d;
    m4 += d2 * d2;
  }
  const variance = n > 1 ? m2 / (n - 1) : 0;
  const pop = n > 0 ? m2 / n : 0;
  const blocks: [number, number, number][] = [];
  const s = Math.max(1, Math.min(blockCount, n));
  for (let b = 0; b < s; b++) {
    const lo = Math.floor((b * n) / s);
    const hi = Math.floor(((b + 1) * n) / s);
    let s1 = 0;
    let s2 = 0;
    for (let i = lo; i < hi; i++) {
      const x = ret(i);
      s1 += x;
      s2 += x * x;
    }
    blocks.push([hi - lo, s1, s2]);
  }
  return {
    n,
    mean,
    std: Math.sqrt(variance),
    skew: pop > 0 ? m3 / n / pop ** 1.5 : 0,
    kurtosis: pop > 0 ? m4 / n / (pop * pop) : 3,
    blocks,
  };
}

/** Per-bar Sharpe ratio of returns given as [count, sum, sum of squares]: mean over sample standard deviation, 0 when undefined. */
export function sharpeOfSums(count: number, sum: number, sumSq: number): number {
  if (count < 2) return 0;
  const mean = sum / count;
  const variance = (sumSq - count * mean * mean) / (count - 1);
  return variance > 0 ? mean / Math.sqrt(variance) : 0;
}

/** Every way to choose `k` of `0..n-1`, in lexicographic order. */
export function combinations(n: number, k: number): number[][] {
  const out: number[][] = [];
  const pick: number[] = [];
  const walk = (from: number): void => {
    if (pick.length === k) {
      out.push([...pick]);
      return;
    }
    for (let i = from; i <= n - (k - pick.length); i++) {
      pick.push(i);
      walk(i + 1);
      pick.pop();
    }
  };
  walk(0);
  return out;
}

export interface PboResult {
  /** Share of splits whose in-sample best ranks at or below the out-of-sample median. */
  readonly pbo: number;
  readonly splits: number;
  readonly blocks: number;
  /** Logit of the in-sample best's relative out-of-sample rank, per split. */
  readonly logits: readonly number[];
}

/**
 * CSCV over the runs' block sums (all runs cut into the same blocks). Needs >= 2 runs and an even
 * number of blocks >= 2; undefined otherwise. Ties: the in-sample best is the first run with the
 * top Sharpe; out-of-sample ranks of equal Sharpe ratios are averaged.
 */
export function probabilityOfOverfitting(runs: readonly ReturnStats[]): PboResult | undefined {
  const first = runs[0];
  if (runs.length < 2 || first === undefined) return undefined;
  const s = first.blocks.length;
  if (s < 2 || s % 2 !== 0 || runs.some((r) => r.blocks.length !== s)) return undefined;
  const all = Array.from({ length: s }, (_, i) => i);
  const sharpeOn = (r: ReturnStats, blocks: readonly number[]): number => {
    let c = 0;
    let s1 = 0;
    let s2 = 0;
    for (const b of blocks) {
      const [bc, bs1, bs2] = r.blocks[b] as readonly [number, number, number];
      c += bc;
      s1 += bs1;
      s2 += bs2;
    }
    return sharpeOfSums(c, s1, s2);
  };
  const logits: number[] = [];
  const n = runs.length;
  for (const inSample of combinations(s, s / 2)) {
    const chosen = new Set(inSample);
    const outSample = all.filter((b) => !chosen.has(b));
    let best = 0;
    let bestIs = -Infinity;
    runs.forEach((r, i) => {
      const v = sharpeOn(r, inSample);
      if (v > bestIs) {
        bestIs = v;
        best = i;
      }
    });
    const oos = runs.map((r) => sharpeOn(r, outSample));
    const target = oos[best] as number;
    const below = oos.filter((v) => v < target).length;
    const equal = oos.filter((v) => v === target).length; // includes the best itself
    const rank = below + (equal + 1) / 2; // 1..n, ties averaged
    const omega = rank / (n + 1);
    logits.push(Math.log(omega / (1 - omega)));
  }
  return { pbo: logits.filter((l) => l <= 0).length / logits.length, splits: logits.length, blocks: s, logits };
}

/** Standard normal CDF, by Numerical Recipes' Chebyshev-fitted erfc (erfcc; fractional error < 1.2e-7). */
export function normalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.5 * z);
  const erfc =
    t *
    Math.exp(
      -z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? 1 - erfc / 2 : erfc / 2;
}

/** Inverse of the standard normal CDF (Acklam's algorithm, relative error < 1.2e-9). */
export function normalQuantile(p: number): number {
  if (p <= 0) return -Infinity;
  if (p >= 1) return Infinity;
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const [a0, a1, a2, a3, a4, a5] = a as [number, number, number, number, number, number];
  const [b0, b1, b2, b3, b4] = b as [number, number, number, number, number];
  const [c0, c1, c2, c3, c4, c5] = c as [number, number, number, number, number, number];
  const [d0, d1, d2, d3] = d as [number, number, number, number];
  const lowTail = 0.02425;
  if (p < lowTail) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c0 * q + c1) * q + c2) * q + c3) * q + c4) * q + c5) / ((((d0 * q + d1) * q + d2) * q + d3) * q + 1);
  }
  if (p > 1 - lowTail) {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    return -(((((c0 * q + c1) * q + c2) * q + c3) * q + c4) * q + c5) / ((((d0 * q + d1) * q + d2) * q + d3) * q + 1);
  }
  const q = p - 0.5;
  const r = q * q;
  return ((((((a0 * r + a1) * r + a2) * r + a3) * r + a4) * r + a5) * q) / (((((b0 * r + b1) * r + b2) * r + b3) * r + b4) * r + 1);
}

const EULER_GAMMA = 0.5772156649015329;

/**
 * Expected largest Sharpe ratio of `trials` independent trials of no skill whose Sharpe ratios
 * have variance `variance` (Bailey & López de Prado 2014, eq. for SR0); 0 for a single trial.
 */
export function expectedMaxSharpe(trials: number, variance: number): number {
  if (trials < 2 || !(variance > 0)) return 0;
  const g = EULER_GAMMA;
  return Math.sqrt(variance) * ((1 - g) * normalQuantile(1 - 1 / trials) + g * normalQuantile(1 - 1 / (trials * Math.E)));
}

export interface DeflatedSharpeInput {
  /** The selected run's Sharpe ratio, per bar. */
  readonly sharpe: number;
  /** Number of returns it was measured on. */
  readonly observations: number;
  readonly skew: number;
  /** Not excess (3 for normal). */
  readonly kurtosis: number;
  /** Number of trials the run was selected from. */
  readonly trials: number;
  /** Variance of the trials' Sharpe ratios, per bar. */
  readonly variance: number;
}

/** The deflated Sharpe ratio: P[true SR > SR0], SR0 the expected maximum of `trials` unskilled trials. In [0, 1]. */
export function deflatedSharpe(i: DeflatedSharpeInput): { readonly dsr: number; readonly sr0: number } {
  const sr0 = expectedMaxSharpe(i.trials, i.variance);
  const denom = 1 - i.skew * i.sharpe + ((i.kurtosis - 1) / 4) * i.sharpe * i.sharpe;
  if (i.observations < 2 || !(denom > 0)) return { dsr: NaN, sr0 };
  return { dsr: normalCdf(((i.sharpe - sr0) * Math.sqrt(i.observations - 1)) / Math.sqrt(denom)), sr0 };
}

/** Sample variance (n - 1); 0 for fewer than two values. */
export function sampleVariance(xs: readonly number[]): number {
  if (xs.length < 2) return 0;
  const m = xs.reduce((s, x) => s + x, 0) / xs.length;
  return xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1);
}
