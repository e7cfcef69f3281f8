/**
 * renderWorkstation on terminal streams (Ink's real renderer, not the test one): it draws, reads
 * keys, sends through the workstation, and exits after `q`; unmount ends it too.
 */
import { Console } from 'node:console';
import { beforeAll, describe, expect, it } from 'vitest';
import { renderWorkstation } from '../../src/ui/index.ts';
import { FakeWorkstation } from '../kit/fake-workstation.ts';
import { FakeTerminalIn, FakeTerminalOut } from './fake-terminal.ts';
import { tick } from './render-app.tsx';

beforeAll(() => {
  // Ink's patchConsole builds a console.Console, which the test runner's console lacks.
  if (typeof console.Console !== 'function') Object.assign(console, { Console });
});

describe('renderWorkstation', () => {
  it('draws, sends on keys, and resolves waitUntilExit after q', async () => {
    const ws = new FakeWorkstation();
    ws.current = { ...ws.current, positions: [] };
    const out = new FakeTerminalOut();
    const input = new FakeTerminalIn();
    const ui = renderWorkstation(ws, { stdout: out.stream(), stdin: input.stream(), noColor: true, fps: 10 });
    let exited = false;
    const done = ui.waitUntilExit().then(() => {
      exited = true;
    });
    await tick(50);
    expect(out.chunks.join('')).toContain('sma-cross');
    input.type('r');
    await tick(50);
    expect(ws.sent).toEqual([{ type: 'reconcile' }]);
    expect(exited).toBe(false);
    input.type('q');
    await done;
    expect(ws.sent).toEqual([{ type: 'reconcile' }, { type: 'quit', reason: 'operator quit' }]);
    expect(ws.subscribers).toBe(0);
  });

  it('unmount ends it', async () => {
    const ws = new FakeWorkstation();
    const ui = renderWorkstation(ws, { stdout: new FakeTerminalOut().stream(), stdin: new FakeTerminalIn().stream() });
    await tick(20);
    ui.unmount();
    await ui.waitUntilExit();
    expect(ws.subscribers).toBe(0);
    expect(ws.sent).toEqual([]);
  });

  it('still draws when stdin is not a terminal (keys are off)', async () => {
    const ws = new FakeWorkstation();
    const out = new FakeTerminalOut();
    const ui = renderWorkstation(ws, { stdout: out.stream(), stdin: new FakeTerminalIn(false).stream(), noColor: true });
    await tick(50);
    expect(out.chunks.join('')).toContain('binanceusdm');
    ui.unmount();
    await ui.waitUntilExit();
  });
});
