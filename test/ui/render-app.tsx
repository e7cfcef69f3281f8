/**
 * Test helpers for the TUI: mount <App> at a chosen terminal size through ink-testing-library,
 * press keys, resize, and read frames as plain text. ink-testing-library's stdout reports 100
 * columns and no rows; the helper gives its stdout a size before the app mounts and changes it
 * (with a 'resize' event, as a terminal does) on `resize`.
 */
import { render } from 'ink-testing-library';
import { App, type AppProps } from '../../src/ui/index.ts';

export const KEY = {
  enter: '\r',
  escape: '\u001B',
  tab: '\t',
  shiftTab: '\u001B[Z',
  backspace: '\u007F',
  ctrlC: '\u0003',
  right: '\u001B[C',
  left: '\u001B[D',
  up: '\u001B[A',
  down: '\u001B[B',
} as const;

/** Lets Ink process input (a lone Esc is flushed on setImmediate) and React commit. */
export function tick(ms = 5): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;?]*[A-Za-z]/g;

export function stripAnsi(s: string): string {
  return s.replace(ANSI, '');
}

export interface Mounted {
  /** The last frame, ANSI codes included. */
  raw(): string;
  /** The last frame as plain text. */
  frame(): string;
  /** The last frame's lines, plain. */
  lines(): string[];
  /** How many frames Ink has written. */
  frameCount(): number;
  /** Types keys one at a time, each time waiting until the frame settles. */
  press(...keys: string[]): Promise<void>;
  /** Changes the terminal size and emits 'resize', then waits until the frame settles. */
  resize(columns: number, rows: number): Promise<void>;
  /** Waits until Ink has written no new frame for 15 ms. */
  settle(): Promise<void>;
  unmount(): void;
}

export async function mount(props: AppProps, size: { columns: number; rows: number } = { columns: 80, rows: 24 }): Promise<Mounted> {
  const current = { ...size };
  const r = render(<></>);
  Object.defineProperty(r.stdout, 'columns', { get: () => current.columns, configurable: true });
  Object.defineProperty(r.stdout, 'rows', { get: () => current.rows, configurable: true });
  r.rerender(<App {...props} />);
  const raw = () => r.lastFrame() ?? '';
  // React may finish a render in slices (a cold first render takes a while): wait until Ink has
  // written no new frame for 15 ms.
  const settle = async () => {
    let seen = -1;
    for (let i = 0; i < 100 && seen !== r.frames.length; i++) {
      seen = r.frames.length;
      await tick(15);
    }
  };
  await settle();
  return {
    raw,
    frame: () => stripAnsi(raw()),
    lines: () => stripAnsi(raw()).split('\n'),
    frameCount: () => r.frames.length,
    async press(...keys) {
      for (const k of keys) {
        r.stdin.write(k);
        await settle();
      }
    },
    async resize(columns, rows) {
      current.columns = columns;
      current.rows = rows;
      r.stdout.emit('resize');
      await settle();
    },
    settle,
    unmount: () => r.unmount(),
  };
}

/** Display width of a plain line (every character the TUI draws is one cell wide). */
export function widthOf(line: string): number {
  return [...line].length;
}

/** A Scheduler whose time moves only with `advance` (for the throttle and the message line). */
export class UiClock {
  private t = 0;
  private timers: { at: number; fn: () => void }[] = [];

  readonly now = (): number => this.t;

  readonly schedule = (fn: () => void, ms: number): (() => void) => {
    const timer = { at: this.t + ms, fn };
    this.timers.push(timer);
    return () => {
      this.timers = this.timers.filter((x) => x !== timer);
    };
  };

  /** Timers waiting to run. */
  get pending(): number {
    return this.timers.length;
  }

  /** Moves time forward by `ms`, running every timer that falls due, in time order. */
  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      const due = this.timers.filter((x) => x.at <= end).sort((a, b) => a.at - b.at)[0];
      if (due === undefined) break;
      this.timers = this.timers.filter((x) => x !== due);
      this.t = Math.max(this.t, due.at);
      due.fn();
    }
    this.t = end;
  }
}
