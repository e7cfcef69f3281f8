/**
 * `parity calibrate` through the real binary, over a live session recorded against the local
 * exchange with slow, noisy latency and partial fills, trading sizes that walk the book: the
 * model file it writes is read by `parity replay --model`, and that replay lands closer to live
 * than the replay with the session's own models (fill prices and PnL, measured here from the
 * recording and the replay's fills, independently of the command's own check). Bad input: one
 * clear message each, nothing written, nothing in the state directory changed.
 */
import { appendFileSync, cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readRecording } from '../../src/persistence/recording.ts';
import { expectClearFailure, parityAsync } from '../kit/cli.ts';
import { recordSession } from '../kit/recorded-session.ts';
import { contents } from '../kit/recording-fixture.ts';

interface Fill {
  readonly orderId: string;
  readonly side: string;
  readonly price: number;
  readonly qty: number;
  readonly fee: number;
}

const run = async (...args: string[]) => {
  const r = await parityAsync(args);
  if (r.code !== 0) throw new Error(`parity ${args[0] ?? ''} exited ${r.code}: ${r.stderr}`);
  return r;
};

/** Per order: the volume-weighted price; and the trading result marked at `mark`. */
function book(fills: readonly Fill[], mark: number): { vwap: Map<string, number>; pnl: number } {
  const per = new Map<string, { q: number; v: number }>();
  let cash = 0;
  let pos = 0;
  for (const f of fills) {
    const s = f.side === 'buy' ? 1 : -1;
    cash -= s * f.qty * f.price + f.fee;
    pos += s * f.qty;
    const o = per.get(f.orderId) ?? { q: 0, v: 0 };
    per.set(f.orderId, { q: o.q + f.qty, v: o.v + f.qty * f.price });
  }
  return { vwap: new Map([...per].map(([id, o]) => [id, o.v / o.q])), pnl: cash + pos * mark };
}

function meanPriceGapBps(live: Map<string, number>, replay: Map<string, number>): number {
  const gaps = [...live].flatMap(([id, px]) => (replay.has(id) ? [(Math.abs((replay.get(id) as number) - px) * 1e4) / px] : []));
  return gaps.reduce((a, b) => a + b, 0) / gaps.length;
}

describe('parity calibrate over a live session with slow, noisy latency and partial fills', () => {
  let dir: string;
  let liveFills: Fill[];
  let mark: number;
  beforeAll(async () => {
    dir = await recordSession('live', 12, {
      args: ['--param', 'size=100000', '--param', 'offset=0.05'], // sizes that walk the local exchange's book: slippage to fit; resting bids 5% under the market, so none fills (a fill racing its cancel would make the live path a coin toss)
      exchange: { faults: { latency: 'lognormal:80,400', partialFills: { probability: 0.5, pieces: 3 } } },
    });
    const s = readRecording(dir).sessions.at(-1);
    if (s === undefined) throw new Error('no recorded session');
    liveFills = s.messages.flatMap(({ m }) => (m.type === 'OrderFilled' ? [{ orderId: m.clientOrderId, side: m.side, price: m.lastPx, qty: m.lastQty, fee: Number(m.fee) }] : []));
    const last = s.data.at(-1)?.d;
    mark = last?.type === 'bar' ? last.close : NaN;
  }, 120_000);

  it('fits what the session measured, and the replay with the fitted model lands closer to live than with the defaults', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'parity-calibrated-')), 'model.json');
    const before = contents(dir);
    const c = JSON.parse((await run('calibrate', dir, '--out', out, '--json')).stdout) as {
      calibration: { latency: { n: number; p50Ms: number }; slippage: { n: number }; partialFills: { inPieces: number; piecesPerOrder: number; share: number }; fees: { takerFills: number } };
      check: { session: { pnlGap: number; priceGapBps: number }; fitted: { pnlGap: number; priceGapBps: number } };
    };
    expect(contents(dir)).toEqual(before);
    const file = JSON.parse(readFileSync(out, 'utf8')) as {
      latency: { kind: string; samplesMs: number[] };
      fees: { taker: number };
      slippage: { fixedBps: number };
      fills: { takerPieces: { share: number; pieces: number } };
    };
    // The injected latency (80 ms median, both ways around the request) is in the samples.
    expect(file.latency.kind).toBe('empirical');
    expect(file.latency.samplesMs).toHaveLength(c.calibration.latency.n);
    expect(c.calibration.latency.n).toBeGreaterThanOrEqual(24);
    expect(c.calibration.latency.p50Ms).toBeGreaterThan(40);
    expect(file.fees.taker).toBe(0.0004); // what the local exchange charges
    expect(c.calibration.slippage.n).toBeGreaterThanOrEqual(10);
    expect(file.slippage.fixedBps).toBeGreaterThan(0);
    expect(c.calibration.partialFills.inPieces).toBeGreaterThan(0);
    expect(c.calibration.partialFills.piecesPerOrder).toBeGreaterThan(1);
    expect(file.fills.takerPieces.share).toBeCloseTo(c.calibration.partialFills.share, 6);
    expect(file.fills.takerPieces.pieces).toBeGreaterThan(1);
    // The command's own check...
    expect(c.check.fitted.priceGapBps).toBeLessThan(c.check.session.priceGapBps);
    expect(c.check.fitted.pnlGap).toBeLessThan(c.check.session.pnlGap);
    // ...and the same measured here, from the recording and `parity replay --json` with and without --model.
    const live = book(liveFills, mark);
    const plain = book((JSON.parse((await run('replay', dir, '--json')).stdout) as { fills: Fill[] }).fills, mark);
    const modelled = await run('replay', dir, '--json', '--model', out);
    const fitted = book((JSON.parse(modelled.stdout) as { fills: Fill[] }).fills, mark);
    const gaps = {
      defaults: { bps: meanPriceGapBps(live.vwap, plain.vwap), pnl: Math.abs(live.pnl - plain.pnl) },
      fitted: { bps: meanPriceGapBps(live.vwap, fitted.vwap), pnl: Math.abs(live.pnl - fitted.pnl) },
    };
    console.log(`calibration gaps (fill price bps, |PnL| USDT): ${JSON.stringify(gaps)}`);
    // The replay fills the takers in pieces as live did: its fill count lands closer to live's.
    const count = (stdout: string): number => (JSON.parse(stdout) as { fills: Fill[] }).fills.length;
    const plainFills = count((await run('replay', dir, '--json')).stdout);
    console.log(`fills: live ${liveFills.length}, replay ${plainFills}, with the model ${count(modelled.stdout)}`);
    expect(Math.abs(count(modelled.stdout) - liveFills.length)).toBeLessThan(Math.abs(plainFills - liveFills.length));
    expect(gaps.fitted.bps).toBeLessThan(gaps.defaults.bps);
    expect(gaps.fitted.pnl).toBeLessThan(gaps.defaults.pnl);
    expect(gaps.fitted.pnl).toBeCloseTo(c.check.fitted.pnlGap, 6);
    // The empirical latency is drawn from the seeded RNG: the replay is deterministic.
    expect((await run('replay', dir, '--json', '--model', out)).stdout).toBe(modelled.stdout);
  }, 120_000);

  it('bad input: no recording, a damaged recording, --out in a missing folder; a torn last line is left out with a note', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'parity-calibrate-out-')), 'model.json');
    const missing = join(tmpdir(), `parity-no-such-${process.pid}`, 'model.json');
    const before = contents(dir);
    expectClearFailure(await parityAsync(['calibrate', dir, '--out', missing]), /--out .*: the folder .* does not exist\. Nothing was read or written/);
    expect(existsSync(missing)).toBe(false);
    const old = mkdtempSync(join(tmpdir(), 'parity-old-'));
    cpSync(join(dir, 'journal-0.jsonl'), join(old, 'journal-0.jsonl'));
    expectClearFailure(await parityAsync(['calibrate', old, '--out', out]), /holds no recording: its sessions ran on a Parity that did not record them.*Nothing was changed/);
    expect(existsSync(out)).toBe(false);
    // Damage in the middle: refused, naming the line.
    const damaged = mkdtempSync(join(tmpdir(), 'parity-damaged-'));
    cpSync(dir, damaged, { recursive: true });
    const seg = join(damaged, 'recording', readdirSync(join(damaged, 'recording')).sort()[0] as string);
    const lines = readFileSync(seg, 'utf8').split('\n');
    lines[5] = (lines[5] as string).replace(/"w":(\d)/, (_m, d: string) => `"w":${(Number(d) + 1) % 10}`);
    writeFileSync(seg, lines.join('\n'));
    const damagedBefore = contents(damaged);
    expectClearFailure(await parityAsync(['calibrate', damaged, '--out', out]), /line 6 is damaged \(checksum mismatch\)\. Nothing was changed/);
    expect(existsSync(out)).toBe(false);
    expect(contents(damaged)).toEqual(damagedBefore);
    // A torn last line (a session killed while writing): read up to it, said, and nothing cut.
    const torn = mkdtempSync(join(tmpdir(), 'parity-torn-'));
    cpSync(dir, torn, { recursive: true });
    const last = join(torn, 'recording', readdirSync(join(torn, 'recording')).sort().at(-1) as string);
    appendFileSync(last, '{"v":1,"s":99999,"c":"00');
    const tornBefore = contents(torn);
    const r = await parityAsync(['calibrate', torn, '--out', out, '--no-check']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^parity: note: the last line of .* is torn .*read up to it\n$/);
    expect(contents(torn)).toEqual(tornBefore);
    expect(contents(dir)).toEqual(before);
  }, 120_000);
});
