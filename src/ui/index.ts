/**
 * The TUI's public boundary: `renderWorkstation` mounts the app on a terminal, `App` is the
 * component (for tests). The UI reads `Workstation.snapshot()` and writes only through
 * `Workstation.send(cmd)`; nothing else in the project is reachable from here.
 */
import { createElement } from 'react';
import { render } from 'ink';
import type { Workstation } from '../workstation/model.ts';
import { App } from './App.tsx';
import { noColorFromEnv } from './theme.ts';

export { App, type AppProps } from './App.tsx';

export interface RenderOptions {
  /** Default process.stdout. */
  readonly stdout?: NodeJS.WriteStream;
  /** Default process.stdin; keys work only when it is a TTY. */
  readonly stdin?: NodeJS.ReadStream;
  /** Most re-renders per second from engine notifications (default 4). */
  readonly fps?: number;
  /** No ANSI styling (default: on when NO_COLOR is set and not empty). */
  readonly noColor?: boolean;
}

export interface WorkstationUi {
  unmount(): void;
  /** Resolves when the app exits (after `q`, or `unmount()`). */
  waitUntilExit(): Promise<void>;
}

/**
 * Mounts the workstation TUI. Ctrl+C does not kill the process: it goes through the same path as
 * `q` (confirmation while positions are open, then a `quit` command), so the engine always hears
 * about it. Console output is kept above the frame (Ink's patchConsole).
 */
export function renderWorkstation(ws: Workstation, opts: RenderOptions = {}): WorkstationUi {
  const noColor = opts.noColor ?? noColorFromEnv(process.env);
  const element = createElement(App, { ws, noColor, ...(opts.fps !== undefined ? { fps: opts.fps } : {}) });
  const instance = render(element, {
    ...(opts.stdout !== undefined ? { stdout: opts.stdout } : {}),
    ...(opts.stdin !== undefined ? { stdin: opts.stdin } : {}),
    exitOnCtrlC: false,
    // Not Ink's incrementalRendering: in Ink 6.8 it redraws one line too low after the first frame
    // (seen in tmux at 80x24); the full redraw is ~2 KB a frame at 4 fps.
  });
  return {
    unmount: () => instance.unmount(),
    waitUntilExit: () => instance.waitUntilExit().then(() => undefined),
  };
}
