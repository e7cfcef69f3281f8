/**
 * Stand-ins for a terminal's stdout and stdin, enough for Ink's real (non-debug) renderer, so
 * renderWorkstation can be tested without a TTY. Output is kept as written chunks.
 */
import { EventEmitter } from 'node:events';

/** A terminal's output side, enough for Ink. */
export class FakeTerminalOut extends EventEmitter {
  readonly chunks: string[] = [];
  columns = 80;
  rows = 24;
  isTTY = true;
  write = (s: string): boolean => {
    this.chunks.push(s);
    return true;
  };
  stream(): NodeJS.WriteStream {
    return this as unknown as NodeJS.WriteStream;
  }
}

/** A terminal's input side, enough for Ink (raw mode, 'readable'). */
export class FakeTerminalIn extends EventEmitter {
  isTTY: boolean;
  private data: string | null = null;
  constructor(tty = true) {
    super();
    this.isTTY = tty;
  }
  setRawMode(): this {
    return this;
  }
  setEncoding(): void {}
  resume(): void {}
  pause(): void {}
  ref(): void {}
  unref(): void {}
  read = (): string | null => {
    const d = this.data;
    this.data = null;
    return d;
  };
  type(s: string): void {
    this.data = s;
    this.emit('readable');
  }
  stream(): NodeJS.ReadStream {
    return this as unknown as NodeJS.ReadStream;
  }
}
