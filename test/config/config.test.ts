import { describe, expect, it } from 'vitest';
import { ConfigError, riskLimitsOf } from '../../src/config/config.ts';
import { parseConfig } from '../../src/config/schema.ts';
import { DEFAULT_LIMITS } from '../../src/engine/index.ts';

const fail = (text: string): string => {
  try {
    parseConfig(text, 'parity.config.json');
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('expected a ConfigError');
};

describe('config file', () => {
  it('accepts a documented config', () => {
    const c = parseConfig(JSON.stringify({ backtest: { cash: 5000, feeBps: 4, latency: 'lognormal:20,100' }, risk: { dailyLossLimit: 200 }, strategies: { 'sma-cross': { fast: 5 } } }), 'c.json');
    expect(c.backtest?.cash).toBe(5000);
    expect(c.strategies?.['sma-cross']?.['fast']).toBe(5);
  });

  it('names every bad key and what is allowed', () => {
    const msg = fail(JSON.stringify({ backtest: { cash: -1, latency: 'fast', colour: 'red' }, bogus: 1 }));
    expect(msg).toMatch(/has 4 problems/);
    expect(msg).toMatch(/backtest\.cash: .*>0/);
    expect(msg).toMatch(/backtest\.latency: expected "<ms>"/);
    expect(msg).toMatch(/unknown key "colour" in backtest/);
    expect(msg).toMatch(/unknown key "bogus" at the top level/);
  });

  it('refuses a latency range the simulator would refuse (min above max) at start, naming the key', () => {
    expect(fail(JSON.stringify({ backtest: { latency: 'uniform:20-2' } }))).toMatch(/backtest\.latency: expected .*min <= max/);
  });

  it('reads the risk gate keys into the limits; unset ones keep the engine defaults', () => {
    const c = parseConfig(JSON.stringify({ risk: { priceBandBps: 250, maxOrdersPerSecond: 5, maxGrossExposure: 50_000, maxNetExposure: 20_000 } }), 'c.json');
    expect(riskLimitsOf(c)).toEqual({ priceBandBps: 250, maxOrdersPerSecond: 5, maxGrossExposure: 50_000, maxNetExposure: 20_000 });
    expect({ ...DEFAULT_LIMITS, ...riskLimitsOf(parseConfig('{}', 'c.json')) }).toMatchObject({
      priceBandBps: 1000,
      maxOrdersPerSecond: 20,
      maxOrdersPerMinute: 600,
      maxGrossExposure: Infinity,
      maxNetExposure: Infinity,
    });
  });

  it('refuses out-of-range risk limits at start, one message each naming the key', () => {
    const msg = fail(JSON.stringify({ risk: { priceBandBps: 0, maxOrdersPerSecond: 2.5, maxOrdersPerMinute: -1, maxGrossExposure: -5, maxNetExposure: 0 } }));
    expect(msg).toMatch(/has 5 problems/);
    expect(msg).toMatch(/risk\.priceBandBps: expected basis points above 0 and at most 10000/);
    expect(msg).toMatch(/risk\.maxOrdersPerSecond: expected a whole number of orders/);
    expect(msg).toMatch(/risk\.maxOrdersPerMinute: expected a whole number of orders above 0/);
    expect(msg).toMatch(/risk\.maxGrossExposure: /);
    expect(msg).toMatch(/risk\.maxNetExposure: /);
    expect(fail(JSON.stringify({ risk: { priceBandBps: 10_001 } }))).toMatch(/has 1 problem:\n.*risk\.priceBandBps: expected basis points above 0 and at most 10000/);
    expect(fail(JSON.stringify({ risk: { priceBandBps: '10%' } }))).toMatch(/risk\.priceBandBps: expected a number of basis points/);
  });

  it('refuses contradictory risk limits, naming the key to change', () => {
    expect(fail(JSON.stringify({ risk: { maxOrdersPerSecond: 30, maxOrdersPerMinute: 20 } }))).toMatch(
      /has 1 problem:\n  - risk\.maxOrdersPerSecond: 30 orders a second is more than the 20 a minute allows/,
    );
    // against the default of the key left out: 700 a second is more than the default 600 a minute
    expect(fail(JSON.stringify({ risk: { maxOrdersPerSecond: 700 } }))).toMatch(/risk\.maxOrdersPerSecond: 700 orders a second is more than the 600 a minute/);
    expect(fail(JSON.stringify({ risk: { maxOrdersPerMinute: 10 } }))).toMatch(/risk\.maxOrdersPerMinute: 20 orders a second is more than the 10 a minute/);
    expect(fail(JSON.stringify({ risk: { maxGrossExposure: 1000, maxNetExposure: 2000 } }))).toMatch(/risk\.maxNetExposure: 2000 is above maxGrossExposure 1000; net exposure can never exceed gross/);
    expect(parseConfig(JSON.stringify({ risk: { maxOrdersPerSecond: 10, maxOrdersPerMinute: 10, maxGrossExposure: 1000, maxNetExposure: 1000 } }), 'c.json').risk?.maxNetExposure).toBe(1000);
  });

  it('says where a JSON syntax error is', () => {
    expect(fail('{ "backtest": ')).toMatch(/is not valid JSON/);
  });

  it('refuses secrets, pointing to the environment or a key file', () => {
    const msg = fail(JSON.stringify({ exchange: { apiKey: 'abc', secret: 'shh' } }));
    expect(msg).toMatch(/exchange\.apiKey, exchange\.secret: secrets are never read from the config file/);
    expect(msg).not.toContain('shh');
  });
});

describe('docs/config.md', () => {
  it('its example file is a valid config, and every key in the schema is documented', async () => {
    const { readFileSync } = await import('node:fs');
    const doc = readFileSync(new URL('../../docs/config.md', import.meta.url), 'utf8');
    const example = /```json\n([\s\S]*?)\n```/.exec(doc)?.[1] as string;
    const cfg = parseConfig(example, 'docs/config.md');
    expect(cfg.alerts?.minDiffSeverity).toBe('warn');
    for (const [section, value] of Object.entries(cfg)) {
      if (section === 'strategies' || typeof value !== 'object') continue;
      for (const key of Object.keys(value as object)) expect(doc).toContain(`\`${section}.${key}\``);
    }
  });
});
