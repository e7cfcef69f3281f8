/**
 * The engine's public surface. Strategies, adapters (src/paper, src/exchanges), runtimes' callers
 * and the UI import from here and nowhere deeper.
 */
export * from './ids.ts';
export * from './fixed.ts';
export * from './instrument.ts';
export * from './market-data.ts';
export * from './commands.ts';
export * from './events.ts';
export * from './order-state.ts';
export * from './order.ts';
export * from './ledger.ts';
export * from './risk-gate.ts';
export * from './clock.ts';
export * from './rng.ts';
export * from './queue.ts';
export * from './ports.ts';
export * from './strategy.ts';
export * from './portfolio.ts';
export * from './booking-log.ts';
export * from './order-manager.ts';
export * from './kernel.ts';
export * from './data-feed.ts';
export * from './backtest.ts';
export * from './indicators.ts';
export * from './performance.ts';
export * from './strategy-host.ts';
export * from './order-size.ts';
export * from './errors.ts';
export * from './reports.ts';
export * from './step.ts';
export * from './live.ts';
export * from './engine-state.ts';
export * from './reconcile.ts';
export * from './reconcile-books.ts';
export * from './monitors.ts';
