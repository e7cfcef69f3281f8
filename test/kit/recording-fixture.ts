/**
 * A recorded session written line by line (no exchange, no binary): one paper session of sma-cross
 * over 120 bars after 30 of warm-up, for the bad-input tests of `parity replay` and `parity report`;
 * and `contents`, what "nothing changed" compares.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initialState, symbol, type Bar } from '../../src/engine/index.ts';
import { resolveInstrument } from '../../src/data/index.ts';
import { DEFAULT_MODELS } from '../../src/paper/index.ts';
import { encodeLine } from '../../src/persistence/journal.ts';
import { packData, RECORDING_VERSION, type RecordEntry } from '../../src/persistence/recording.ts';
import { ROOT } from './cli.ts';

const SYM = symbol('BTCUSDT');
const T0 = Date.UTC(2024, 11, 2);
const MIN = 60_000;

export const bar = (i: number): Bar => {
  const c = 97_000 + 400 * Math.sin(i / 7);
  return { type: 'bar', symbol: SYM, interval: MIN, tsEvent: T0 + i * MIN, tsInit: T0 + (i + 1) * MIN + 15, open: c - 10, high: c + 30, low: c - 30, close: c, volume: 50 };
};

/** A state directory with one recorded paper session of sma-cross over 120 bars (after 30 of warm-up). */
export function recordedDir(): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'parity-replay-input-'));
  mkdirSync(join(dir, 'recording'));
  writeFileSync(join(dir, 'journal-0.jsonl'), encodeLine(0, { k: 'start', at: T0, mode: 'paper', venue: 'local', startingCash: '10000' }));
  const at = T0 + 31 * MIN;
  const entries: RecordEntry[] = [
    {
      k: 'session',
      version: RECORDING_VERSION,
      at,
      mode: 'paper',
      venue: 'local',
      strategy: { name: 'sma-cross', file: join(ROOT, 'strategies/sma-cross.ts'), params: {} },
      symbols: [SYM],
      barInterval: MIN,
      account: { instruments: [resolveInstrument(SYM, 'spot', 0.1)], currency: 'USDT', startingCash: '10000', accountType: 'cash', leverage: 1, limits: {}, pauseCancelsEntries: true },
      models: DEFAULT_MODELS,
      seed: 1,
      start: initialState('USDT', '10000'),
      clock: at,
      warmup: Array.from({ length: 30 }, (_, i) => packData(bar(i), at)),
    },
  ];
  for (let i = 30; i < 150; i++) entries.push({ k: 'd', w: bar(i).tsInit + 2, d: packData(bar(i), bar(i).tsInit + 2) });
  entries.push({ k: 'end', w: bar(150).tsInit, reason: 'received SIGTERM' });
  const file = join(dir, 'recording', 'rec-0.jsonl');
  writeFileSync(file, entries.map((e, i) => encodeLine(i, e)).join(''));
  return { dir, file };
}

/** Every file under `dir` with its bytes: what "nothing changed" compares. */
export function contents(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const f of readdirSync(d)) {
      const p = join(d, f);
      if (statSync(p).isDirectory()) walk(p);
      else out[p] = readFileSync(p, 'base64');
    }
  };
  walk(dir);
  return out;
}
