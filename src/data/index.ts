/** Market data files: candles, funding rates, instrument specs, leverage brackets. */
export * from './errors.ts';
export * from './time.ts';
export * from './candles.ts';
export { CANDLE_CACHE_VERSION, candleCachePath } from './candle-cache.ts';
export * from './funding.ts';
export * from './instruments.ts';
export * from './brackets.ts';
