/**
 * A sweep on a distributed queue: `parity sweep --queue redis://host:port` puts each run on the
 * BullMQ queue `parity-sweep` in that Redis and waits for the outcomes; `parity worker --queue
 * redis://host:port`, on any machine, takes runs off it and runs them with the same code as a
 * local sweep (task.ts), so the results are identical.
 *
 * What a worker needs: the same strategy files and data files at the same absolute paths as the
 * machine that queued the sweep (a run carries its spec, not the files).
 *
 * Invariants: Redis is checked before anything is queued, so an unreachable one costs nothing and
 * says so once; a run that fails fails the sweep with its message (no retry: a backtest is
 * deterministic, it would fail again); a worker that dies mid-run leaves the run stalled, and
 * BullMQ hands it to another worker (nothing lost).
 */
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { Job, Queue, QueueEvents, QueueKeys, Worker, type ConnectionOptions } from 'bullmq';
import { Redis } from 'ioredis';
import { UserError } from '../errors.ts';
import { pointText } from './grid.ts';
import { threads, type Executor } from './pool.ts';
import { sharedData, type RunOutcome, type RunTask } from './task.ts';

export const QUEUE_NAME = 'parity-sweep';

interface JobData {
  readonly sweep: string;
  readonly task: RunTask;
}

/** `--queue`: redis://host:port (or rediss://, with an optional /db). */
export function parseRedisUrl(text: string): { host: string; port: number; db: number; tls: boolean; url: string } {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UserError(`--queue ${text}: not a URL; write it as redis://host:port, e.g. --queue redis://127.0.0.1:6379`);
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') throw new UserError(`--queue ${text}: expected a redis:// (or rediss://) URL, e.g. redis://127.0.0.1:6379`);
  if (url.hostname === '') throw new UserError(`--queue ${text}: it names no host; e.g. redis://127.0.0.1:6379`);
  const db = url.pathname.length > 1 ? Number(url.pathname.slice(1)) : 0;
  if (!Number.isInteger(db) || db < 0) throw new UserError(`--queue ${text}: the database after the slash must be a number, e.g. redis://127.0.0.1:6379/0`);
  return { host: url.hostname.replace(/^\[|\]$/g, ''), port: url.port === '' ? 6379 : Number(url.port), db, tls: url.protocol === 'rediss:', url: text };
}

function connectionOf(r: ReturnType<typeof parseRedisUrl>): ConnectionOptions {
  return { host: r.host, port: r.port, db: r.db, maxRetriesPerRequest: null, ...(r.tls ? { tls: {} } : {}) };
}

/**
 * Connects once, without retries: Redis is there, or one clear message and nothing was done.
 * Then `use` has the connection (its errors are its own, not "cannot reach").
 */
async function requireRedis<T = void>(r: ReturnType<typeof parseRedisUrl>, kept: string, use?: (client: Redis) => Promise<T>): Promise<T> {
  const client = new Redis({
    host: r.host,
    port: r.port,
    db: r.db,
    lazyConnect: true,
    connectTimeout: 3000,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
    ...(r.tls ? { tls: {} } : {}),
  });
  // The socket's error (ECONNREFUSED, ENOTFOUND, a timeout) says more than connect()'s "Connection is closed".
  let first: string | undefined;
  client.on('error', (err: Error) => (first ??= err.message));
  try {
    await client.connect();
    await client.ping();
  } catch (err) {
    client.disconnect();
    const why = first ?? (err instanceof Error ? err.message : String(err));
    throw new UserError(`cannot reach Redis at ${r.url} (${why}). ${kept} Start Redis there (e.g. redis-server --port ${r.port}) or check the address and run again.`, 1);
  }
  try {
    return await (use ?? (async () => undefined as T))(client);
  } finally {
    client.disconnect();
  }
}

/** How long Redis may not answer before a waiting sweep gives up, ms. */
const PATIENCE_MS = 15_000;

/** Pings Redis every 2 s while a sweep waits; `lost` rejects once it has not answered for PATIENCE_MS. */
function watchRedis(r: ReturnType<typeof parseRedisUrl>, progress: () => string): { lost: Promise<never>; stop: () => void } {
  const url = r.url;
  const client = new Redis({ host: r.host, port: r.port, db: r.db, maxRetriesPerRequest: 0, retryStrategy: () => 1000, ...(r.tls ? { tls: {} } : {}) });
  client.on('error', () => undefined); // judged by the pings
  let lastOk = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const lost = new Promise<never>((_, reject) => {
    timer = setInterval(() => {
      const ping = client.ping();
      const late = new Promise<never>((_r, rej) => setTimeout(() => rej(new Error('no answer')), 1500).unref());
      Promise.race([ping, late]).then(
        () => (lastOk = performance.now()),
        () => {
          if (performance.now() - lastOk < PATIENCE_MS) return;
          clearInterval(timer);
          reject(
            new UserError(
              `lost Redis at ${url}: no answer for ${PATIENCE_MS / 1000} s, when ${progress()}. Nothing was printed; the runs not yet done stay queued in Redis if it comes back with its data. Restart Redis and run the sweep again.`,
              1,
            ),
          );
        },
      );
    }, 2000);
  });
  lost.catch(() => undefined); // raced; never left unhandled
  return {
    lost,
    stop: () => {
      clearInterval(timer);
      client.disconnect();
    },
  };
}

/** How often a waiting sweep asks Redis itself about the runs it has heard nothing of, ms. */
const RECHECK_MS = 2000;
/** At most this many runs per recheck (the oldest first: FIFO workers finish them first). */
const RECHECK_RUNS = 256;

/**
 * The producer's side: a sweep whose runs go to the queue's workers.
 *
 * Redis's record of each job is the truth and the event stream only news of it: the outcomes come
 * from the stream's 'completed' and 'failed' events, read from the stream's last entry before
 * anything was queued (never from `$`, "from whenever the first read arrives", which loses what
 * happens before it, and again after every blocked read that timed out with nothing), and every
 * RECHECK_MS the runs not heard of are looked up in Redis, so an event lost anyway (a stream
 * trimmed under a lagging reader, a connection reset) delays a run by seconds, not forever.
 */
export async function queueExecutor(text: string): Promise<Executor> {
  const r = parseRedisUrl(text);
  const lastEventId = await requireRedis(r, 'No run was queued and nothing was run; the sweep did not start (or run it without --queue, on this machine).', async (client) => {
    const [last] = await client.xrevrange(new QueueKeys().toKey(QUEUE_NAME, 'events'), '+', '-', 'COUNT', 1);
    return last?.[0] ?? '0-0';
  });
  const connection = connectionOf(r);
  const queue = new Queue<JobData, RunOutcome>(QUEUE_NAME, { connection });
  const events = new QueueEvents(QUEUE_NAME, { connection, lastEventId });
  // The clients reconnect by themselves; losing Redis for good is judged below (an 'error' without a listener would end the process).
  queue.on('error', () => undefined);
  events.on('error', () => undefined);
  await events.waitUntilReady();
  const sweep = `${hostname()}-${process.pid}-${Date.now().toString(36)}`;
  let batch = 0;
  return {
    where: `the queue ${QUEUE_NAME} at ${r.url}`,
    async run(tasks, onProgress) {
      batch++;
      if (tasks.length === 0) return [];
      // Paths travel as the workers must find them: absolute.
      const withPaths = tasks.map((t) => ({ ...t, spec: { ...t.spec, strategy: /[/\\]|\.(ts|js|mjs)$/.test(t.spec.strategy) ? resolve(t.spec.strategy) : t.spec.strategy } }));
      const names = withPaths.map((task) => pointText(task.point) || 'run');
      const ids = withPaths.map((task) => `${sweep}-${batch}-${task.index}`);
      const outcomes = new Outcomes(ids, (i, reason) => new UserError(`run ${names[i]} (on a worker of ${r.url}) failed: ${reason}`, 1), onProgress);
      const onCompleted = ({ jobId, returnvalue }: { jobId: string; returnvalue: unknown }): void => outcomes.completed(jobId, returnvalue as RunOutcome);
      const onFailed = ({ jobId, failedReason }: { jobId: string; failedReason: string }): void => outcomes.failed(jobId, failedReason);
      // Listening before the runs exist: none of their events can come first.
      events.on('completed', onCompleted);
      events.on('failed', onFailed);
      const watch = watchRedis(r, () => `${outcomes.done} of ${ids.length} runs were done`);
      let checking = false;
      const recheck = setInterval(() => {
        if (checking) return;
        checking = true;
        lookUp(queue, outcomes.unheard(RECHECK_RUNS), outcomes)
          .catch(() => undefined) // Redis away: watchRedis judges that
          .finally(() => (checking = false));
      }, RECHECK_MS);
      try {
        await queue.addBulk(
          withPaths.map((task, i) => ({
            name: names[i] as string,
            data: { sweep, task },
            opts: { jobId: ids[i] as string, attempts: 1, removeOnComplete: { age: 3600 }, removeOnFail: { age: 86_400 } },
          })),
        );
        onProgress(0);
        return await Promise.race([outcomes.all, watch.lost]);
      } finally {
        clearInterval(recheck);
        events.off('completed', onCompleted);
        events.off('failed', onFailed);
        watch.stop();
      }
    },
    async close() {
      // Closing waits for Redis; when it is gone there is nothing to wait for.
      const gone = new Promise<void>((res) => setTimeout(res, 2000).unref());
      await Promise.race([Promise.all([events.close(), queue.close()]).then(() => undefined), gone]);
    },
  };
}

/** Asks Redis for the state of `ids` and settles the finished ones. */
async function lookUp(queue: Queue<JobData, RunOutcome>, ids: readonly string[], outcomes: Outcomes): Promise<void> {
  await Promise.all(
    ids.map(async (id) => {
      const state = await queue.getJobState(id);
      if (state !== 'completed' && state !== 'failed') return;
      const job = await Job.fromId<JobData, RunOutcome>(queue, id);
      if (job === undefined) return;
      if (state === 'completed') outcomes.completed(id, job.returnvalue);
      else outcomes.failed(id, job.failedReason);
    }),
  );
}

/**
 * The outcomes of one batch of runs, by job id, whichever way each is heard of first (an event or
 * a lookup): each settles once, in its task's place; the first failure fails the batch.
 */
class Outcomes {
  readonly all: Promise<RunOutcome[]>;
  done = 0;
  private readonly slots: Map<string, number>;
  private readonly values: RunOutcome[];
  private finish!: (v: RunOutcome[]) => void;
  private fail!: (err: Error) => void;

  constructor(
    ids: readonly string[],
    private readonly failure: (index: number, reason: string) => Error,
    private readonly onProgress: (share: number) => void,
  ) {
    this.slots = new Map(ids.map((id, i) => [id, i]));
    this.values = new Array<RunOutcome>(ids.length);
    this.all = new Promise((res, rej) => {
      this.finish = res;
      this.fail = rej;
    });
    this.all.catch(() => undefined); // raced; never left unhandled
  }

  /** Up to `max` ids not settled yet, in task order. */
  unheard(max: number): string[] {
    const out: string[] = [];
    for (const id of this.slots.keys()) {
      if (out.length >= max) break;
      out.push(id);
    }
    return out;
  }

  completed(id: string, value: RunOutcome): void {
    const i = this.take(id);
    if (i === undefined) return;
    this.values[i] = value;
    this.done++;
    this.onProgress(this.done / this.values.length);
    if (this.slots.size === 0) this.finish(this.values);
  }

  failed(id: string, reason: string): void {
    const i = this.take(id);
    if (i !== undefined) this.fail(this.failure(i, reason));
  }

  private take(id: string): number | undefined {
    const i = this.slots.get(id);
    if (i !== undefined) this.slots.delete(id);
    return i;
  }
}

/**
 * `parity worker`: takes runs off the queue until stopped (SIGINT, SIGTERM), `workers` at once on
 * threads of this process. Resolves when it has stopped and the runs in hand are finished.
 */
export async function serveQueue(text: string, workers: number, log: (line: string) => void): Promise<void> {
  const r = parseRedisUrl(text);
  await requireRedis(r, 'This worker took no run.');
  const pool = threads(workers);
  const worker = new Worker<JobData, RunOutcome>(
    QUEUE_NAME,
    async (job) => {
      const t0 = performance.now();
      // A long series is read once in this process and shared by its threads (task.ts sharedData).
      const out = await pool.run(job.data.task, undefined, sharedData([job.data.task]));
      log(`run ${job.data.task.index} (${job.name}) done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      return out;
    },
    { connection: connectionOf(r), concurrency: workers },
  );
  worker.on('failed', (job, err) => log(`run ${job?.data.task.index ?? '?'} (${job?.name ?? ''}) failed: ${err.message}`));
  worker.on('error', (err) => log(`queue error: ${err.message}`));
  await worker.waitUntilReady();
  log(`taking sweep runs from ${r.url} (queue ${QUEUE_NAME}) on ${workers} thread${workers === 1 ? '' : 's'}; stop with Ctrl-C`);
  await new Promise<void>((res) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      res();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  log('stopping: finishing the runs in hand');
  await worker.close();
  await pool.destroy();
}
