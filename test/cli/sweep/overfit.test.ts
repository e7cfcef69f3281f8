import { describe, expect, it } from 'vitest';
import { createRng } from '../../../src/engine/index.ts';
import { combinations, deflatedSharpe, expectedMaxSharpe, normalCdf, normalQuantile, probabilityOfOverfitting, returnStats, sampleVariance, sharpeOfSums } from '../../../src/cli/sweep/overfit.ts';

/** An equity curve from 100 with these per-bar returns. */
function curve(returns: readonly number[]): number[] {
  const out: number[] = [];
  let e = 100;
  for (const r of returns) {
    e *= 1 + r;
    out.push(e);
  }
  return out;
}

describe('normal distribution', () => {
  it('matches tabulated values', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalCdf(1.959964)).toBeCloseTo(0.975, 6);
    expect(normalCdf(-1)).toBeCloseTo(0.158655, 6);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 6);
    expect(normalQuantile(0.01)).toBeCloseTo(-2.326348, 6);
    expect(normalQuantile(0.5)).toBe(0);
    for (const p of [0.001, 0.02, 0.3, 0.7, 0.99, 0.9999]) expect(normalCdf(normalQuantile(p))).toBeCloseTo(p, 6);
  });
});

describe('return statistics', () => {
  it('gives the moments and block sums of the per-bar returns', () => {
    const st = returnStats(curve([0.02, 0, 0.01, -0.01]), 100, 2);
    expect(st.n).toBe(4);
    expect(st.mean).toBeCloseTo(0.005, 12);
    // deviations .015 -.005 .005 -.015: sum of squares 5e-4, over 3
    expect(st.std).toBeCloseTo(Math.sqrt(5e-4 / 3), 12);
    expect(st.skew).toBeCloseTo(0, 9); // symmetric deviations
    // m4/n = (2*.015^4 + 2*.005^4)/4, pop var = 1.25e-4
    expect(st.kurtosis).toBeCloseTo((2 * 0.015 ** 4 + 2 * 0.005 ** 4) / 4 / 1.25e-4 ** 2, 9);
    expect(st.blocks.map((b) => b[0])).toEqual([2, 2]);
    expect(st.blocks[0]?.[1]).toBeCloseTo(0.02, 12);
    expect(st.blocks[1]?.[2]).toBeCloseTo(2e-4, 12);
  });

  it('takes the Sharpe ratio of sums as mean over the sample standard deviation', () => {
    expect(sharpeOfSums(2, 0.02, 0.0004)).toBeCloseTo(0.01 / Math.sqrt(2e-4), 12); // [0.02, 0]
    expect(sharpeOfSums(1, 0.02, 0.0004)).toBe(0);
  });
});

describe('probability of backtest overfitting (CSCV)', () => {
  it('lists C(n, k) combinations', () => {
    expect(combinations(4, 2)).toEqual([
      [0, 1],
      [0, 2],
      [0, 3],
      [1, 2],
      [1, 3],
      [2, 3],
    ]);
    expect(combinations(16, 8)).toHaveLength(12_870);
  });

  it('is 1 when the in-sample winner always loses out of sample (hand-computed, 2 runs, 2 blocks)', () => {
    // A: block 0 [.02, 0] SR .707, block 1 [.01, -.01] SR 0. B: block 0 [.01, -.01] SR 0, block 1 [.03, .01] SR 1.414.
    // IS {0}: A wins, OOS {1}: A ranks 1 of 2, omega 1/3, logit ln(1/2). IS {1}: B wins, ranks 1 in {0}: the same.
    const a = returnStats(curve([0.02, 0, 0.01, -0.01]), 100, 2);
    const b = returnStats(curve([0.01, -0.01, 0.03, 0.01]), 100, 2);
    const r = probabilityOfOverfitting([a, b]);
    expect(r?.splits).toBe(2);
    expect(r?.pbo).toBe(1);
    for (const l of r?.logits ?? []) expect(l).toBeCloseTo(Math.log(0.5), 12);
  });

  it('is 0 when one run wins in every block (hand-computed)', () => {
    // A: block 0 [.02, 0] SR .707, block 1 [.03, .01] SR 1.414; B: [.01, -.01] twice, SR 0: A wins and ranks 2 of 2, logit ln 2.
    const a = returnStats(curve([0.02, 0, 0.03, 0.01]), 100, 2);
    const b = returnStats(curve([0.01, -0.01, 0.01, -0.01]), 100, 2);
    const r = probabilityOfOverfitting([a, b]);
    expect(r?.pbo).toBe(0);
    for (const l of r?.logits ?? []) expect(l).toBeCloseTo(Math.log(2), 12);
  });

  it('averages tied out-of-sample ranks: identical runs sit at the median (logit 0, counted as overfit)', () => {
    const a = returnStats(curve([0.02, 0, 0.01, -0.01]), 100, 2);
    const r = probabilityOfOverfitting([a, a, a]);
    for (const l of r?.logits ?? []) expect(l).toBeCloseTo(0, 12);
    expect(r?.pbo).toBe(1);
  });

  it('is near one half for runs of pure noise, and near 0 for a run with a real edge among them', () => {
    const rng = createRng(42);
    const gauss = (): number => Math.sqrt(-2 * Math.log(rng.next() || 1e-12)) * Math.cos(2 * Math.PI * rng.next());
    const noise = (drift: number): number[] => curve(Array.from({ length: 800 }, () => drift + 0.01 * gauss()));
    const runs = Array.from({ length: 20 }, () => returnStats(noise(0), 100, 8));
    const pNoise = probabilityOfOverfitting(runs)?.pbo ?? NaN;
    expect(pNoise).toBeGreaterThan(0.25);
    expect(pNoise).toBeLessThan(0.75);
    const edge = probabilityOfOverfitting([...runs, returnStats(noise(0.004), 100, 8)])?.pbo ?? NaN;
    expect(edge).toBeLessThan(0.05);
  });

  it('is undefined for one run or an odd number of blocks', () => {
    const a = returnStats(curve([0.02, 0, 0.01]), 100, 3);
    expect(probabilityOfOverfitting([a])).toBeUndefined();
    expect(probabilityOfOverfitting([a, a])).toBeUndefined();
  });
});

describe('deflated Sharpe ratio', () => {
  it("reproduces Bailey & López de Prado's example: SR 2.5 a year over 1250 days, 100 trials, V[SR] 0.5, skew -3, kurtosis 10", () => {
    // Per day: SR 2.5/sqrt(250), variance 0.5/250. The paper: SR0 = 0.1132, DSR = 0.9004.
    const sr0 = expectedMaxSharpe(100, 0.5 / 250);
    expect(sr0).toBeCloseTo(0.1132, 4);
    const r = deflatedSharpe({ sharpe: 2.5 / Math.sqrt(250), observations: 1250, skew: -3, kurtosis: 10, trials: 100, variance: 0.5 / 250 });
    expect(r.dsr).toBeCloseTo(0.9004, 3);
  });

  it('is the probabilistic Sharpe ratio against 0 for one trial (hand-computed)', () => {
    // SR .1, T 101, normal returns: z = .1 * 10 / sqrt(1 + .5 * .01) = 0.99751; Phi = 0.84074
    const r = deflatedSharpe({ sharpe: 0.1, observations: 101, skew: 0, kurtosis: 3, trials: 1, variance: 0 });
    expect(r.sr0).toBe(0);
    expect(r.dsr).toBeCloseTo(0.84074, 4);
  });

  it('falls as the number of trials grows', () => {
    const at = (trials: number): number => deflatedSharpe({ sharpe: 0.05, observations: 2000, skew: 0, kurtosis: 3, trials, variance: 1e-4 }).dsr;
    expect(at(2)).toBeGreaterThan(at(10));
    expect(at(10)).toBeGreaterThan(at(1000));
  });

  it('takes the sample variance', () => {
    expect(sampleVariance([1, 2, 3, 4])).toBeCloseTo(5 / 3, 12);
    expect(sampleVariance([1])).toBe(0);
  });
});
