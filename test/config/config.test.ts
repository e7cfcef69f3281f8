import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../src/config/config.ts';

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
