/** The ccxt adapter: any ccxt exchange (or the local exchange) behind the engine's ports. */
export * from './client.ts';
export * from './connect.ts';
export * from './credentials.ts';
export * from './errors.ts';
export * from './history.ts';
export * from './market-data.ts';
export * from './markets.ts';
export * from './reports.ts';
export * from './requester.ts';
export * from './run-loop.ts';
export * from './time-sync.ts';
export * from './user-stream.ts';
export * from './venue.ts';
export * from './fees.ts';
