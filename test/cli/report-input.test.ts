/**
 * `parity report` on bad input, through the real binary, over the fixture recording the replay's
 * bad-input tests use (test/kit/recording-fixture.ts): a directory that is not a state directory,
 * a session from before recordings, a torn recording (its torn last line left out with a note), a
 * damaged one, a model file that does not parse, a venue record that is not one. One clear message
 * each, and nothing in the directory changes.
 */
import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeLine } from '../../src/persistence/journal.ts';
import { packData } from '../../src/persistence/recording.ts';
import { expectClearFailure, parityAsync } from '../kit/cli.ts';
import { bar, contents, recordedDir } from '../kit/recording-fixture.ts';

describe('parity report on bad input', () => {
  it('a recorded session reports (the baseline the cases below break)', async () => {
    const { dir } = recordedDir();
    const before = contents(dir);
    const r = await parityAsync(['report', dir, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout) as { session: { dataPoints: number }; signals: { live: number; replay: number }; pnl: { replay: number } };
    expect(j.session.dataPoints).toBe(120);
    // A paper fixture with no decisions recorded: the replay's own are there, none of them live.
    expect(j.signals.live).toBe(0);
    expect(j.signals.replay).toBeGreaterThan(0);
    expect(contents(dir)).toEqual(before);
  }, 120_000);

  it('a directory that is not a state directory, or no directory at all', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'parity-not-state-'));
    writeFileSync(join(empty, 'notes.txt'), 'hello');
    const before = contents(empty);
    expectClearFailure(await parityAsync(['report', empty]), /is not a Parity state directory \(no journal, snapshot or recording in it\)\. Nothing was changed/);
    expect(contents(empty)).toEqual(before);
    expectClearFailure(await parityAsync(['report', join(empty, 'missing')]), /missing is not a directory/);
  }, 120_000);

  it('a session without recordings (a version that did not record)', async () => {
    const { dir } = recordedDir();
    const old = mkdtempSync(join(tmpdir(), 'parity-old-state-'));
    writeFileSync(join(old, 'journal-0.jsonl'), readFileSync(join(dir, 'journal-0.jsonl')));
    const before = contents(old);
    expectClearFailure(await parityAsync(['report', old]), /holds no recording: its sessions ran on a Parity that did not record them.*Nothing was changed/);
    expect(contents(old)).toEqual(before);
  }, 120_000);

  it('a torn recording: the torn last line is left out with a note and the rest reports; damage in the middle is refused by line', async () => {
    const { dir, file } = recordedDir();
    const whole = await parityAsync(['report', dir, '--json']);
    appendFileSync(file, encodeLine(999, { k: 'd', w: 1, d: packData(bar(200), 1) }).slice(0, 40));
    const before = contents(dir);
    const r = await parityAsync(['report', dir, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^parity: note: the last line of .*rec-0\.jsonl is torn .*read up to it\n$/);
    expect(r.stdout).toBe(whole.stdout);
    expect(contents(dir)).toEqual(before);
    const lines = readFileSync(file, 'utf8').split('\n');
    lines[40] = (lines[40] as string).replace(/"w":(\d)/, '"w":9');
    writeFileSync(file, lines.join('\n'));
    const damaged = contents(dir);
    expectClearFailure(await parityAsync(['report', dir]), /rec-0\.jsonl line 41 is damaged \(checksum mismatch\)\. Nothing was changed/);
    expect(contents(dir)).toEqual(damaged);
  }, 120_000);

  it('a model file that does not parse; a venue record that is not one', async () => {
    const { dir } = recordedDir();
    const bad = join(mkdtempSync(join(tmpdir(), 'parity-bad-model-')), 'model.json');
    writeFileSync(bad, '{"fees": {"taker": 0.0004},');
    const before = contents(dir);
    expectClearFailure(await parityAsync(['report', dir, '--model', bad]), /--model .*: not JSON \(.*\)\. Nothing was run/);
    writeFileSync(bad, '{"slippage": {"fixedBps": "two"}}');
    expectClearFailure(await parityAsync(['report', dir, '--model', bad]), /--model .*: slippage\.fixedBps: expected a number/);
    writeFileSync(bad, '[[1, "a"]]');
    expectClearFailure(await parityAsync(['report', dir, '--venue-bars', bad]), /--venue-bars .*: row 1 is not a kline row/);
    expectClearFailure(await parityAsync(['report', dir, '--venue-bars', `ETHUSDT=${bad}`]), /--venue-bars .*: the session did not trade ETHUSDT \(it traded BTCUSDT\)/);
    expect(contents(dir)).toEqual(before);
    // A good model file is used: a higher taker fee moves the replay, not the live books.
    const base = JSON.parse((await parityAsync(['report', dir, '--json'])).stdout) as { pnl: { live: number; replay: number } };
    writeFileSync(bad, '{"fees": {"taker": 0.005}}');
    const r = await parityAsync(['report', dir, '--model', bad, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout) as { pnl: { live: number; replay: number } };
    expect(j.pnl.live).toBe(base.pnl.live);
    expect(j.pnl.replay).toBeLessThan(base.pnl.replay);
  }, 120_000);
});
