/**
 * The recording's format: data points stored and read back exactly, sessions split by their
 * headers, and the size of an hour of 1m bars plus quotes through the real writer (printed).
 */
import { mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { initialState, symbol, type MarketData } from '../../src/engine/index.ts';
import { openRecordingWriter, packData, readRecording, RECORDING_DIR, RECORDING_VERSION, unpackData, type RecordEntry, type SessionHeader } from '../../src/persistence/recording.ts';

const SYM = symbol('BTCUSDT');
const T0 = Date.UTC(2024, 11, 2);

function header(at: number): SessionHeader {
  return {
    k: 'session',
    version: RECORDING_VERSION,
    at,
    mode: 'paper',
    venue: 'local',
    strategy: { name: 'sma-cross', file: 'strategies/sma-cross.ts', params: { fast: 10 } },
    symbols: [SYM],
    barInterval: 60_000,
    account: { instruments: [], currency: 'USDT', startingCash: '10000', accountType: 'cash', leverage: 1, limits: {}, pauseCancelsEntries: true },
    models: {},
    seed: 1,
    start: initialState('USDT', '10000'),
    clock: at,
    warmup: [],
  };
}

describe('the recording format', () => {
  it('stores every kind of data point and reads it back exactly, times as received', () => {
    const w = T0 + 60_123;
    const points: MarketData[] = [
      { type: 'bar', symbol: SYM, interval: 60_000, tsEvent: T0, tsInit: w - 4, open: 97000.5, high: 97010, low: 96990.25, close: 97005, volume: 12.345 },
      { type: 'quote', symbol: SYM, tsEvent: w - 20, tsInit: w + 3, bid: 97000.1, bidQty: 1.5, ask: 97000.2, askQty: 0.25 },
      { type: 'trade', symbol: SYM, tsEvent: w - 7, tsInit: w, price: 97000.15, qty: 0.01, aggressor: 'sell', tradeId: '991' },
      { type: 'funding', symbol: SYM, tsEvent: w + 3_600_000, tsInit: w, rate: 0.0001, markPrice: 97001 },
      { type: 'funding', symbol: SYM, tsEvent: w + 3_600_000, tsInit: w, rate: -0.0002 },
    ];
    for (const d of points) expect(unpackData(JSON.parse(JSON.stringify(packData(d, w))) as ReturnType<typeof packData>, w)).toEqual(d);
  });

  it('bytes per hour: 1m bars plus one quote a second, one symbol, through the real writer', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'parity-rec-size-'));
    const rec = openRecordingWriter(dir, { fsync: 'none' });
    const write = (e: RecordEntry): void => void rec.writer.append(e);
    write(header(T0));
    let bid = 97000;
    for (let s = 0; s < 3600; s++) {
      const w = T0 + s * 1000 + 37;
      bid = Math.round((bid + Math.sin(s) * 3.7) * 10) / 10;
      write({ k: 'd', w, d: packData({ type: 'quote', symbol: SYM, tsEvent: w - 12, tsInit: w + 2, bid, bidQty: 1.234, ask: Math.round((bid + 0.1) * 10) / 10, askQty: 0.561 }, w) });
      if (s % 60 === 59) {
        const open = T0 + (s - 59) * 1000;
        write({
          k: 'd',
          w,
          d: packData({ type: 'bar', symbol: SYM, interval: 60_000, tsEvent: open, tsInit: w + 2, open: bid - 5.3, high: bid + 12.1, low: bid - 9.9, close: bid, volume: 153.127 }, w),
        });
      }
    }
    await rec.writer.close();
    const recDir = join(dir, RECORDING_DIR);
    const bytes = readdirSync(recDir).reduce((n, f) => n + statSync(join(recDir, f)).size, 0);
    const perLine = bytes / 3661;
    console.log(`recording: ${bytes} bytes per hour for 1m bars + 1 quote/s (one symbol), ${perLine.toFixed(0)} bytes a line; ${((bytes * 24 * 7) / 2 ** 20).toFixed(1)} MiB a week`);
    expect(bytes).toBeLessThan(600_000);
    const read = readRecording(dir);
    expect(read.sessions).toHaveLength(1);
    expect(read.sessions[0]?.data).toHaveLength(3660);
  });
});
