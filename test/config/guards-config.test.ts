/** The guard keys: accepted as documented, resolved with their defaults, and every out-of-range value refused naming its key. */
import { describe, expect, it } from 'vitest';
import { ConfigError, lossLimitsOf } from '../../src/config/config.ts';
import { parseConfig } from '../../src/config/schema.ts';
import { buildRunSpec } from '../../src/cli/run/spec.ts';

const fail = (value: unknown): string => {
  try {
    parseConfig(JSON.stringify(value), 'parity.config.json');
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('expected a ConfigError');
};

describe('guard config keys', () => {
  it('accepts the documented keys and the run spec resolves them (defaults included)', () => {
    const c = parseConfig(
      JSON.stringify({
        risk: { dailyLossLimit: 300, dailyLossAction: 'halt', maxDrawdownPct: 8, drawdownAction: 'flatten' },
        guards: { staleFeedSec: 90, latencyP99Ms: 1500, clockOffsetMs: 0, driftAction: 'pause' },
      }),
      'c.json',
    );
    expect(lossLimitsOf(c)).toEqual({ maxDrawdownPct: 8, dailyLossAction: 'halt', drawdownAction: 'flatten' });
    const flags = { exchange: 'binanceusdm', symbol: ['BTCUSDT'], timeframe: '1m' };
    expect(buildRunSpec(flags, c).guards).toEqual({ staleFeedMs: 90_000, latencyP99Ms: 1500, clockOffsetMs: 0, driftAction: 'pause' });
    // Defaults: 3 bar intervals with bars only, 30 s with quotes; 2 s p99; 1 s of clock; reduce-size.
    expect(buildRunSpec({ ...flags, feed: 'bars' }, {}).guards).toEqual({ staleFeedMs: 180_000, latencyP99Ms: 2000, clockOffsetMs: 1000, driftAction: 'reduce-size' });
    expect(buildRunSpec(flags, {}).guards.staleFeedMs).toBe(30_000);
    expect(buildRunSpec(flags, {}).lossLimits).toEqual({});
  });

  it('names the key of every out-of-range or unknown value', () => {
    const msg = fail({ risk: { maxDrawdownPct: 150, drawdownAction: 'panic' }, guards: { staleFeedSec: 0, latencyP99Ms: 5, clockOffsetMs: 1e9, driftAction: 'flatten' } });
    expect(msg).toMatch(/has 6 problems/);
    expect(msg).toMatch(/risk\.maxDrawdownPct: .*<=100/);
    expect(msg).toMatch(/risk\.drawdownAction: .*"pause"\|"reduce-only"\|"flatten"\|"halt"/);
    expect(msg).toMatch(/guards\.staleFeedSec: .*>=1/);
    expect(msg).toMatch(/guards\.latencyP99Ms: expected 0 \(off\) or 10\.\.120000 ms/);
    expect(msg).toMatch(/guards\.clockOffsetMs: .*<=120000/);
    expect(msg).toMatch(/guards\.driftAction: .*"reduce-rate"\|"reduce-size"\|"pause"/);
  });
});
