/**
 * Colors come only from Ink's color props: on by default, none at all (no ANSI codes in the
 * frame, the braille chart included) with `noColor` or the NO_COLOR environment variable.
 */
import { Console } from 'node:console';
import chalk from 'chalk';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { renderWorkstation } from '../../src/ui/index.ts';
import { noColorFromEnv } from '../../src/ui/theme.ts';
import { FakeWorkstation } from '../kit/fake-workstation.ts';
import { FakeTerminalIn, FakeTerminalOut } from './fake-terminal.ts';
import { mount, tick, type Mounted } from './render-app.tsx';

// eslint-disable-next-line no-control-regex
const SGR = /\u001b\[[0-9;]*m/;
// eslint-disable-next-line no-control-regex
const COLOR = /\u001b\[(3[0-7]|9[0-7]|38;[0-9;]+)m/;

let level: typeof chalk.level;
beforeAll(() => {
  // Ink's patchConsole builds a console.Console, which the test runner's console lacks.
  if (typeof console.Console !== 'function') Object.assign(console, { Console });
  // Ink colors through chalk, which turns itself off when the test runner's stdout is no TTY.
  level = chalk.level;
  chalk.level = 3;
});
afterAll(() => {
  chalk.level = level;
});

let m: Mounted | undefined;
afterEach(() => {
  m?.unmount();
  m = undefined;
});

const PANES = ['1', '2', '3', '4', '5', '6', '7', '8', '?'];

describe('color', () => {
  it('is on by default (so the NO_COLOR tests below mean something)', async () => {
    m = await mount({ ws: new FakeWorkstation() });
    expect(m.raw()).toMatch(COLOR);
    await m.press('7');
    // The chart's lines are colored through Ink (green: equity went up).
    const chartLine =
      m
        .raw()
        .split('\n')
        .find((l) => /[\u2801-\u28ff]/.test(l)) ?? '';
    expect(chartLine).toMatch(/\u001b\[32m/);
  });

  it('a strategy fault is red on the status bar', async () => {
    const ws = new FakeWorkstation();
    const fault = { strategy: 'mean-reversion', handler: 'onBar', message: 'boom', ts: ws.current.status.now };
    ws.current = { ...ws.current, status: { ...ws.current.status, state: 'PAUSED', stateSetByEngine: true, faults: [fault] } };
    m = await mount({ ws });
    expect(m.raw().split('\n')[0]).toMatch(/\u001b\[31m(\u001b\[1m)?FAULTED mean-reversion: onBar threw boom/);
  });

  it('noColor: no ANSI codes anywhere, in any pane, prompt or the help screen', async () => {
    m = await mount({ ws: new FakeWorkstation(), noColor: true });
    for (const k of PANES) {
      await m.press(k);
      expect(m.raw(), `pane ${k}`).not.toContain('\u001b');
    }
    await m.press('\u001B', 'h');
    expect(m.raw()).not.toContain('\u001b');
    await m.resize(160, 50);
    expect(m.raw()).not.toContain('\u001b');
  });

  it('NO_COLOR in the environment turns color off in renderWorkstation', async () => {
    const saved = process.env['NO_COLOR'];
    process.env['NO_COLOR'] = '1';
    try {
      const out = new FakeTerminalOut();
      const ui = renderWorkstation(new FakeWorkstation(), { stdout: out.stream(), stdin: new FakeTerminalIn().stream() });
      await tick(100);
      ui.unmount();
      const written = out.chunks.join('');
      expect(written).toContain('binanceusdm');
      expect(written).not.toMatch(SGR);
    } finally {
      if (saved === undefined) delete process.env['NO_COLOR'];
      else process.env['NO_COLOR'] = saved;
    }
  });

  it('reads NO_COLOR as no-color.org says: set and not empty', () => {
    expect(noColorFromEnv({ NO_COLOR: '1' })).toBe(true);
    expect(noColorFromEnv({ NO_COLOR: 'false' })).toBe(true);
    expect(noColorFromEnv({ NO_COLOR: '' })).toBe(false);
    expect(noColorFromEnv({})).toBe(false);
  });
});
