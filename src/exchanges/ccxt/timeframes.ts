/** Bar intervals as ccxt names them ("1m", "4h", "1d") and in ms: no ccxt needed (CLI option parsing). */
import { HaltError } from '../../engine/index.ts';

const UNITS: [number, string][] = [
  [86_400_000, 'd'],
  [3_600_000, 'h'],
  [60_000, 'm'],
];

/** 60000 -> "1m", 14400000 -> "4h". */
export function timeframeOf(ms: number): string {
  for (const [unit, name] of UNITS) if (ms % unit === 0) return `${ms / unit}${name}`;
  throw new HaltError(`bar interval ${ms} ms is not a whole number of minutes`);
}

/** "1m" -> 60000. */
export function intervalOf(timeframe: string): number {
  const m = /^(\d+)([mhd])$/.exec(timeframe.trim());
  if (m === null) throw new HaltError(`timeframe "${timeframe}" is not one of <n>m, <n>h, <n>d`);
  const unit = UNITS.find(([, n]) => n === m[2]) as [number, string];
  return Number(m[1]) * unit[0];
}
