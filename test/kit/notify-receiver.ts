/**
 * A stand-in for systemd's notify socket: a python3 AF_UNIX SOCK_DGRAM receiver (Node cannot bind
 * one). Datagrams are collected as strings; `close()` stops it and removes its directory.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const settle = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Receives datagrams on `path` (the fds systemd-notify passes for its barrier are closed on receipt). */
const RECEIVER = `
import json, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
print("bound", flush=True)
while True:
    print(json.dumps(s.recv(4096).decode()), flush=True)
`;

export interface Receiver {
  readonly path: string;
  readonly datagrams: string[];
  waitFor(pred: (d: readonly string[]) => boolean, ms?: number): Promise<void>;
}

export async function receiver(cleanup: (() => void)[]): Promise<Receiver> {
  const dir = mkdtempSync(join(tmpdir(), 'parity-notify-'));
  const path = join(dir, 'notify.sock');
  const py: ChildProcess = spawn('python3', ['-c', RECEIVER, path], { stdio: ['ignore', 'pipe', 'inherit'] });
  cleanup.push(() => {
    py.kill();
    rmSync(dir, { recursive: true, force: true });
  });
  const datagrams: string[] = [];
  const lines = createInterface({ input: py.stdout as NodeJS.ReadableStream });
  await new Promise<void>((resolve) => {
    lines.on('line', (l) => (l === 'bound' ? resolve() : datagrams.push(JSON.parse(l) as string)));
  });
  return {
    path,
    datagrams,
    async waitFor(pred, ms = 5000): Promise<void> {
      for (const end = Date.now() + ms; !pred(datagrams);) {
        if (Date.now() > end) throw new Error(`timed out; received: ${JSON.stringify(datagrams)}`);
        await settle(20);
      }
    },
  };
}
