/**
 * The control socket of a headless Parity: `parity ctl` talks to a running `parity run` through a
 * Unix domain socket `<stateDir>/parity.sock` (never TCP: only the owner of the state directory,
 * 0700, can reach it, and the socket itself is 0600). One connection carries one request line and
 * one response line of JSON, then closes.
 *
 * Invariants: the server never crashes on what a client sends (bad JSON, an unknown command, a
 * missing reason, an oversized line and a throwing handler all come back as `{ok: false, message}`);
 * a socket file left by a dead process is removed at start, a live one is never touched; the
 * client turns every failure into a CtlError whose message says what to do next.
 */
import { chmodSync, lstatSync, unlinkSync } from 'node:fs';
import { createConnection, createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import type { DiffChoice, WorkstationSnapshot } from './model.ts';

export type CtlRequest =
  | { readonly cmd: 'status' }
  | { readonly cmd: 'pause' | 'flatten' | 'halt'; readonly reason: string }
  /** `confirmed`: leave HALTED or a state the engine entered by itself (absent on the wire: false). */
  | { readonly cmd: 'resume'; readonly reason: string; readonly confirmed: boolean }
  /** The operator's choice on a diff that waits for one (`parity ctl resolve <id> --adopt|--flatten`). */
  | { readonly cmd: 'resolve'; readonly diffId: string; readonly choice: DiffChoice; readonly reason: string }
  | { readonly cmd: 'reconcile' };

export interface CtlResponse {
  readonly ok: boolean;
  readonly message: string;
  /** Present on a successful `status`. */
  readonly status?: WorkstationSnapshot;
}

/** A control socket failure, worded for the operator (shown without a stack trace). */
export class CtlError extends Error {
  override readonly name = 'CtlError';
}

/** Longest request line the server reads, bytes. */
const MAX_REQUEST_BYTES = 64 * 1024;
/** Longest reason accepted, characters (it goes to the audit journal). */
const MAX_REASON_CHARS = 1000;
/** Longest diff id accepted, characters (the session's ids are short: "d3"). */
const MAX_DIFF_ID_CHARS = 100;
/** A connection that sends no complete request within this long is dropped, ms. */
const REQUEST_IDLE_MS = 10_000;
/** How long close() lets in-flight answers finish before cutting connections, ms. */
const CLOSE_GRACE_MS = 1000;
/** sun_path is 108 bytes on Linux, including the terminating NUL. */
const MAX_SOCKET_PATH_BYTES = 107;

/** What `parity ctl` can ask. */
export const CTL_COMMANDS = ['status', 'pause', 'resume', 'resolve', 'flatten', 'halt', 'reconcile'] as const;

const CHOICES: readonly DiffChoice[] = ['adopt', 'flatten'];

/** Where a Parity using `stateDir` listens. */
export function controlSocketPath(stateDir: string): string {
  return join(stateDir, 'parity.sock');
}

function checkPathLength(path: string): void {
  const n = Buffer.byteLength(path);
  if (n > MAX_SOCKET_PATH_BYTES) {
    throw new CtlError(
      `the control socket path ${path} is ${n} bytes, over the ${MAX_SOCKET_PATH_BYTES}-byte limit of Unix socket paths; ` + 'use a shorter --state-dir (e.g. /var/lib/parity, or a relative path)',
    );
  }
}

/** Parses and validates one request line; a string is the reason it was refused. */
function parseRequest(line: string): CtlRequest | string {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    return 'the request is not valid JSON: send one line like {"cmd":"status"}';
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return 'the request must be a JSON object like {"cmd":"status"}';
  const { cmd, reason, confirmed, diffId, choice } = raw as Record<string, unknown>;
  if (typeof cmd !== 'string' || !(CTL_COMMANDS as readonly string[]).includes(cmd)) {
    return `unknown command ${JSON.stringify(cmd ?? null)}: expected one of ${CTL_COMMANDS.join(', ')}`;
  }
  const action = cmd as (typeof CTL_COMMANDS)[number];
  if (action === 'status' || action === 'reconcile') return { cmd: action };
  if (action === 'resolve') {
    if (typeof diffId !== 'string' || diffId.trim() === '') return `resolve needs the diff's id: a non-empty "diffId" string (parity ctl status lists the diffs waiting for a choice)`;
    if (diffId.length > MAX_DIFF_ID_CHARS) return `the diff id is ${diffId.length} characters; at most ${MAX_DIFF_ID_CHARS} are accepted`;
    if (!CHOICES.includes(choice as DiffChoice)) return `resolve needs a "choice": "adopt" (take the venue's truth) or "flatten" (close the symbol out)`;
  }
  if (action === 'resume' && confirmed !== undefined && typeof confirmed !== 'boolean') {
    return 'resume: "confirmed" must be true or false (true: leave HALTED or an engine-set state)';
  }
  if (typeof reason !== 'string' || reason.trim() === '') return `${action} needs a reason: a non-empty "reason" string (it goes to the audit journal)`;
  if (reason.length > MAX_REASON_CHARS) return `the reason is ${reason.length} characters; at most ${MAX_REASON_CHARS} are accepted`;
  const why = reason.trim();
  if (action === 'resume') return { cmd: action, reason: why, confirmed: confirmed === true };
  if (action === 'resolve') return { cmd: action, diffId: (diffId as string).trim(), choice: choice as DiffChoice, reason: why };
  return { cmd: action, reason: why };
}

/** Serves one connection: reads one line (or everything up to the client's end), answers, closes. */
function serve(sock: Socket, handle: (req: CtlRequest) => Promise<CtlResponse>, onError: (err: Error) => void): void {
  const parts: Buffer[] = [];
  let size = 0;
  let answered = false;
  sock.on('error', () => undefined); // the client went away: nothing to answer
  sock.setTimeout(REQUEST_IDLE_MS, () => sock.destroy());
  const reply = (res: CtlResponse): void => {
    if (sock.destroyed) return;
    sock.setTimeout(REQUEST_IDLE_MS); // a client that never closes its side is dropped
    sock.end(`${JSON.stringify(res)}\n`);
  };
  const answer = (line: string): void => {
    answered = true;
    sock.setTimeout(0); // the handler may take a while; the client has its own timeout
    const req = parseRequest(line);
    if (typeof req === 'string') return reply({ ok: false, message: req });
    let pending: Promise<CtlResponse>;
    try {
      pending = handle(req);
    } catch (err) {
      pending = Promise.reject(err);
    }
    pending.then(reply, (err: unknown) => {
      const e = err instanceof Error ? err : new Error(String(err));
      onError(e);
      reply({ ok: false, message: `${req.cmd} failed: ${e.message}` });
    });
  };
  const tooLarge = (): void => {
    answered = true;
    reply({ ok: false, message: `the request is larger than ${MAX_REQUEST_BYTES} bytes; send one short JSON line` });
  };
  sock.on('data', (chunk: Buffer) => {
    if (answered) return;
    const nl = chunk.indexOf(0x0a);
    const take = nl >= 0 ? chunk.subarray(0, nl) : chunk;
    size += take.length;
    if (size > MAX_REQUEST_BYTES) return tooLarge();
    parts.push(take);
    if (nl >= 0) answer(Buffer.concat(parts).toString('utf8'));
  });
  sock.on('end', () => {
    if (answered) return;
    if (size === 0) return reply({ ok: false, message: 'empty request: send one JSON line like {"cmd":"status"}' });
    answer(Buffer.concat(parts).toString('utf8'));
  });
}

/** Connects to `path`: true if something answers, false if the file is left by a dead process (or gone). */
function probe(path: string): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const sock = createConnection(path);
    const timer = setTimeout(() => {
      sock.destroy();
      resolve(true); // it exists and does not refuse: assume a live but busy process, never delete it
    }, 1000);
    sock.once('connect', () => {
      clearTimeout(timer);
      sock.destroy();
      resolve(true);
    });
    sock.once('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      if (err.code === 'ECONNREFUSED' || err.code === 'ENOENT') resolve(false);
      else reject(new CtlError(`cannot check the existing control socket ${path}: ${err.code ?? err.message}`));
    });
  });
}

async function removeStale(path: string): Promise<void> {
  let isSocket: boolean;
  try {
    isSocket = lstatSync(path).isSocket();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw new CtlError(`cannot check ${path}: ${(err as Error).message}`);
  }
  if (!isSocket) throw new CtlError(`${path} exists and is not a socket; it was left alone. Move it aside and start again.`);
  if (await probe(path)) {
    throw new CtlError(`another Parity is already answering on ${path}; stop it first (parity ctl halt, then SIGTERM), or use another --state-dir`);
  }
  try {
    unlinkSync(path); // left by a process that died
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new CtlError(`cannot remove the stale control socket ${path}: ${(err as Error).message}`);
  }
}

/**
 * Listens on `<stateDir>/parity.sock` (mode 0600) and answers each request with `handle`.
 * The state directory must exist (it is created, 0700, when the state directory is opened).
 * Throws CtlError if the path is too long, another instance answers on it, or listening fails.
 */
export async function startControlServer(o: {
  stateDir: string;
  handle: (req: CtlRequest) => Promise<CtlResponse>;
  onError?: (err: Error) => void;
}): Promise<{ readonly path: string; close(): Promise<void> }> {
  const path = controlSocketPath(o.stateDir);
  checkPathLength(path);
  await removeStale(path);
  const onError = o.onError ?? ((): void => undefined);
  const sockets = new Set<Socket>();
  const server = createServer({ allowHalfOpen: true }, (sock) => {
    sockets.add(sock);
    sock.once('close', () => sockets.delete(sock));
    serve(sock, o.handle, onError);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(new CtlError(`cannot listen on the control socket ${path}: ${err.code === 'EADDRINUSE' ? 'another process took it meanwhile' : (err.code ?? err.message)}`)),
    );
    server.listen(path, () => resolve());
  });
  server.removeAllListeners('error');
  server.on('error', (err) => onError(err));
  try {
    chmodSync(path, 0o600); // the 0700 state directory already keeps others out in the moment before
  } catch (err) {
    server.close();
    throw new CtlError(`cannot set the control socket ${path} to mode 0600: ${(err as Error).message}`);
  }
  let closing: Promise<void> | undefined;
  return {
    path,
    close(): Promise<void> {
      closing ??= new Promise<void>((resolve) => {
        const cut = setTimeout(() => sockets.forEach((s) => s.destroy()), CLOSE_GRACE_MS);
        server.close(() => {
          clearTimeout(cut);
          try {
            unlinkSync(path);
          } catch {
            // already removed (libuv unlinks it on close)
          }
          resolve();
        });
      });
      return closing;
    },
  };
}

function notRunning(stateDir: string, path: string): CtlError {
  return new CtlError(
    `no Parity is running with state directory ${stateDir} (no control socket at ${path}); ` + 'start one with: parity run --no-ui ..., or point --state-dir at the directory the running one uses',
  );
}

/** Sends one request to the Parity using `stateDir` and waits for its answer (timeoutMs default 10 000). Throws CtlError. */
export function sendControl(stateDir: string, req: CtlRequest, timeoutMs = 10_000): Promise<CtlResponse> {
  const path = controlSocketPath(stateDir);
  try {
    checkPathLength(path);
  } catch (err) {
    return Promise.reject(err);
  }
  return new Promise<CtlResponse>((resolve, reject) => {
    const sock = createConnection(path);
    const chunks: Buffer[] = [];
    let settled = false;
    const finish = (err: CtlError | undefined, res?: CtlResponse): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      sock.destroy();
      if (err !== undefined) reject(err);
      else resolve(res as CtlResponse);
    };
    const timer = setTimeout(
      () => finish(new CtlError(`no answer from the Parity at ${path} within ${timeoutMs / 1000} s; it may be stuck. Check its log, and stop it with SIGTERM if needed.`)),
      timeoutMs,
    );
    sock.once('connect', () => sock.end(`${JSON.stringify(req)}\n`));
    sock.on('data', (c: Buffer) => chunks.push(c));
    sock.once('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const line = text.split('\n', 1)[0] ?? '';
      if (line.trim() === '') return finish(new CtlError(`the Parity at ${path} closed the connection without an answer (is it shutting down?)`));
      let raw: unknown;
      try {
        raw = JSON.parse(line);
      } catch {
        return finish(new CtlError(`the Parity at ${path} answered with something that is not JSON`));
      }
      const r = raw as { ok?: unknown; message?: unknown };
      if (raw === null || typeof raw !== 'object' || typeof r.ok !== 'boolean' || typeof r.message !== 'string') {
        return finish(new CtlError(`the Parity at ${path} answered with something that is not a control response`));
      }
      finish(undefined, raw as CtlResponse);
    });
    sock.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT' || err.code === 'ECONNREFUSED') return finish(notRunning(stateDir, path));
      if (err.code === 'EACCES') return finish(new CtlError(`permission denied on ${path}: run parity ctl as the user that runs Parity`));
      finish(new CtlError(`cannot talk to the Parity at ${path}: ${err.code ?? err.message}`));
    });
  });
}
