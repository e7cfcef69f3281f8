/** The simulated venue and its models: shared by backtest and paper mode. */
export * from './models.ts';
export * from './bar-path.ts';
export * from './sim-account.ts';
export * from './sim-venue.ts';
export * from './sim-history.ts';
