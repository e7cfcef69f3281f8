/** `--timeframe` as a length in ms (kept out of options.ts: the interval names come with the exchange adapter's error types, which flag parsing does not need). */
import { intervalOf } from '../exchanges/ccxt/timeframes.ts';
import { UserError } from './errors.ts';

/** A `--timeframe` flag (1m, 5m, 1h, ...) as its length in ms; default 1m. */
export function timeframeFlag(text: string | undefined): number {
  try {
    return intervalOf(text ?? '1m');
  } catch (err) {
    throw new UserError(`--timeframe: ${(err as Error).message}`);
  }
}
