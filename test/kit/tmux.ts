/**
 * Drives a real terminal: a program started inside tmux (its own server socket, so tests never
 * touch a user's tmux), keys sent with send-keys, the screen read with capture-pane.
 */
import { execFileSync } from 'node:child_process';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export class Tmux {
  private readonly socket = `parity-test-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  private readonly name = 'parity';

  constructor(command: string, cols: number, rows: number, env: Record<string, string> = {}) {
    const exports = Object.entries(env)
      .map(([k, v]) => `export ${k}='${v.replace(/'/g, "'\\''")}'; `)
      .join('');
    // remain-on-exit keeps the pane (and its last screen) after the program ends.
    // The exit status is printed after the program, for exitStatus() to read off the screen.
    this.tmux(['new-session', '-d', '-s', this.name, '-x', String(cols), '-y', String(rows), `${exports}${command}; echo "[exit $?]"`]);
    this.tmux(['set-option', '-t', this.name, 'remain-on-exit', 'on']);
  }

  private tmux(args: string[]): string {
    return execFileSync('tmux', ['-L', this.socket, ...args], { encoding: 'utf8' });
  }

  screen(): string {
    return this.tmux(['capture-pane', '-p', '-t', this.name]);
  }

  /** Keys as tmux names them: 'f', 'Enter', 'Escape', 'C-c'; text is sent literally with literal=true. */
  keys(keys: string, literal = false): void {
    this.tmux(['send-keys', '-t', this.name, ...(literal ? ['-l'] : []), keys]);
  }

  /**
   * Several keys in one send-keys, as tmux names them ('end of test', 'Enter'): tmux writes them to
   * the terminal together, so the program reads them as one burst (like a paste or an SSH packet).
   */
  burst(...keys: string[]): void {
    this.tmux(['send-keys', '-t', this.name, ...keys]);
  }

  resize(cols: number, rows: number): void {
    this.tmux(['resize-window', '-t', this.name, '-x', String(cols), '-y', String(rows)]);
  }

  /** The program's exit status once it has exited (read off the screen), else undefined. */
  exitStatus(): number | undefined {
    const m = /\[exit (\d+)\]/.exec(this.screen());
    return m === null ? undefined : Number(m[1]);
  }

  async waitFor(pattern: RegExp, ms = 15_000): Promise<string> {
    const end = Date.now() + ms;
    let last = '';
    while (Date.now() < end) {
      last = this.screen();
      if (pattern.test(last)) return last;
      await sleep(100);
    }
    throw new Error(`the screen never showed ${pattern}; it shows:\n${last}`);
  }

  kill(): void {
    try {
      this.tmux(['kill-server']);
    } catch {
      // already gone
    }
  }
}
