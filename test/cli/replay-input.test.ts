/**
 * `parity replay` on bad input, through the real binary: a directory that is not a state
 * directory, a session from before recordings, a torn recording (the torn last line is left out,
 * with a note), a damaged one (refused, naming the line), a model file that does not parse. One
 * clear message each, and nothing in the directory changes.
 */
import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MODELS } from '../../src/paper/index.ts';
import { encodeLine } from '../../src/persistence/journal.ts';
import { packData } from '../../src/persistence/recording.ts';
import { expectClearFailure, parityAsync } from '../kit/cli.ts';
import { bar, contents, recordedDir } from '../kit/recording-fixture.ts';

describe('parity replay on bad input', () => {
  it('a recorded session replays (the baseline the cases below break)', async () => {
    const { dir } = recordedDir();
    const r = await parityAsync(['replay', dir, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ strategy: 'sma-cross', bars: 120, replay: { execution: 'simulated', session: { dataPoints: 120, warmupBars: 30 } } });
  }, 120_000);

  it('a directory that is not a state directory, or no directory at all', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'parity-not-state-'));
    writeFileSync(join(empty, 'notes.txt'), 'hello');
    const before = contents(empty);
    expectClearFailure(await parityAsync(['replay', empty]), /is not a Parity state directory \(no journal, snapshot or recording in it\)\. Nothing was changed/);
    expect(contents(empty)).toEqual(before);
    expectClearFailure(await parityAsync(['replay', join(empty, 'missing')]), /missing is not a directory/);
  }, 120_000);

  it('a state directory from a version that did not record', async () => {
    const { dir } = recordedDir();
    const old = mkdtempSync(join(tmpdir(), 'parity-old-state-'));
    writeFileSync(join(old, 'journal-0.jsonl'), readFileSync(join(dir, 'journal-0.jsonl')));
    const before = contents(old);
    expectClearFailure(await parityAsync(['replay', old]), /holds no recording: its sessions ran on a Parity that did not record them.*Nothing was changed/);
    expect(contents(old)).toEqual(before);
  }, 120_000);

  it('a torn last line is left out with a note; the rest replays; the file is not cut', async () => {
    const { dir, file } = recordedDir();
    const whole = await parityAsync(['replay', dir, '--json']);
    appendFileSync(file, encodeLine(999, { k: 'd', w: 1, d: packData(bar(200), 1) }).slice(0, 40));
    const before = contents(dir);
    const r = await parityAsync(['replay', dir, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^parity: note: the last line of .*rec-0\.jsonl is torn .*read up to it\n$/);
    expect(r.stdout).toBe(whole.stdout);
    expect(contents(dir)).toEqual(before);
  }, 120_000);

  it('a damaged line in the middle is refused, naming the file and line', async () => {
    const { dir, file } = recordedDir();
    const lines = readFileSync(file, 'utf8').split('\n');
    lines[40] = (lines[40] as string).replace(/"w":(\d)/, '"w":9');
    writeFileSync(file, lines.join('\n'));
    const before = contents(dir);
    expectClearFailure(await parityAsync(['replay', dir]), /rec-0\.jsonl line 41 is damaged \(checksum mismatch\)\. Nothing was changed: the recording cannot be replayed past that point/);
    expect(contents(dir)).toEqual(before);
  }, 120_000);

  it('a model file that does not parse, or names what is not a model', async () => {
    const { dir } = recordedDir();
    const bad = join(dir, '..', `model-${process.pid}.json`);
    writeFileSync(bad, '{"fees": {"taker": 0.0004},');
    const before = contents(dir);
    expectClearFailure(await parityAsync(['replay', dir, '--model', bad]), /--model .*: not JSON \(.*\)\. Nothing was run/);
    writeFileSync(bad, '{"fees": {"taker": "4bps"}}');
    expectClearFailure(await parityAsync(['replay', dir, '--model', bad]), /--model .*: fees\.taker: expected a number/);
    writeFileSync(bad, '{"feez": {}}');
    expectClearFailure(await parityAsync(['replay', dir, '--model', bad]), /--model .*: feez: unknown key \(expected fees, spread, slippage, fills, latency\)/);
    expect(contents(dir)).toEqual(before);
    // A good one is used: a higher taker fee costs more.
    writeFileSync(bad, '{"fees": {"taker": 0.005}, "latency": "fixed:10"}');
    const r = await parityAsync(['replay', dir, '--model', bad, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout) as { models: { fees: { taker: number; maker: number }; latency: unknown }; totalFees: number };
    expect(j.models.fees).toEqual({ maker: DEFAULT_MODELS.fees.maker, taker: 0.005 });
    expect(j.models.latency).toEqual({ kind: 'fixed', ms: 10 });
  }, 120_000);
});
