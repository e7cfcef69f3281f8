/**
 * The session's recorder: the shell side of the recording (src/persistence/recording.ts). It stamps
 * each data point with the local wall time it arrived at, tags each kernel message with the data
 * point it followed (the kernel's `dataSeq`: a decision is made on the data point delivered last),
 * and notes order requests leaving for the venue. Nothing is recorded before the header, which
 * holds the books as reconciled: what came before is already in them.
 *
 * A recording that cannot be written stops recording, with a warning; trading goes on (the journal,
 * not the recording, is what a restart needs).
 */
import { formatFixed, type AccountSetup, type Bar, type Clock, type EngineState, type LoggedMessage, type LossLimits, type MarketData } from '../../engine/index.ts';
import type { FsyncPolicy } from '../../persistence/journal.ts';
import { openRecordingWriter, packData, packWarmup, RECORDING_VERSION, type RecordEntry, type SessionHeader } from '../../persistence/recording.ts';

export interface HeaderFacts {
  readonly mode: 'paper' | 'live';
  readonly venue: string;
  readonly strategy: SessionHeader['strategy'];
  readonly symbols: readonly string[];
  readonly barInterval: number;
  readonly account: AccountSetup;
  readonly pauseCancelsEntries: boolean;
  readonly lossLimits: Partial<Omit<LossLimits, 'dailyLossLimit'>>;
  readonly models: unknown;
  /** The bad-data breaker's settings (config `data.validation`). */
  readonly validation?: Readonly<Record<string, unknown>>;
  readonly seed: number;
  readonly start: EngineState;
  readonly clock: number;
  readonly warmup: readonly Bar[];
}

export class SessionRecorder {
  private write: (e: RecordEntry) => void = () => undefined;
  private rec: ReturnType<typeof openRecordingWriter> | undefined;
  private started = false;

  constructor(
    private readonly stateDir: string,
    private readonly wall: Clock,
    private readonly o: { readonly fsync?: FsyncPolicy; readonly warn: (message: string) => void },
  ) {}

  /**
   * Starts the session's recording: what is in force, and the books to start from. The recording is
   * opened only now: a start that fails before leaves nothing of it behind.
   */
  header(f: HeaderFacts): void {
    const o = this.o;
    let rec;
    try {
      rec = openRecordingWriter(this.stateDir, { ...(o.fsync === undefined ? {} : { fsync: o.fsync }), onRetry: o.warn });
    } catch (err) {
      o.warn(`the session is not recorded: ${(err as Error).message}; trading goes on, but it cannot be replayed`);
      return;
    }
    this.rec = rec;
    for (const n of rec.notes) o.warn(n);
    this.write = rec.writer.sink((err) => o.warn(`the session is no longer recorded (${err.message}); trading goes on, but it cannot be replayed past this point`));
    const at = this.wall.now();
    const a = f.account;
    this.write({
      k: 'session',
      version: RECORDING_VERSION,
      at,
      mode: f.mode,
      venue: f.venue,
      strategy: f.strategy,
      symbols: f.symbols,
      barInterval: f.barInterval,
      account: {
        instruments: a.instruments,
        currency: a.currency,
        startingCash: formatFixed(a.startingCash),
        accountType: a.accountType,
        leverage: a.leverage,
        limits: a.limits,
        pauseCancelsEntries: f.pauseCancelsEntries,
        lossLimits: f.lossLimits,
      },
      models: f.models,
      ...(f.validation === undefined ? {} : { validation: f.validation }),
      seed: f.seed,
      start: f.start,
      clock: f.clock,
      warmup: packWarmup(f.warmup, at),
    });
    this.started = true;
  }

  /** A data point, as it arrived (before the engine sees it). */
  data(d: MarketData): void {
    if (!this.started) return;
    const w = this.wall.now();
    this.rec?.rollIfDue(w);
    this.write({ k: 'd', w, d: packData(d, w) });
  }

  /** A kernel message; `n` is the kernel's dataSeq when it was processed. */
  message(m: LoggedMessage, n: number): void {
    if (this.started) this.write({ k: 'm', w: this.wall.now(), n, m });
  }

  /** An order request leaving for the venue. */
  requestOut(kind: 'submit' | 'cancel' | 'modify', id: string): void {
    if (this.started) this.write({ k: 'o', w: this.wall.now(), kind, id });
  }

  /** The session stopped cleanly: says so, and closes the recording once everything is on disk. */
  async close(reason: string): Promise<void> {
    if (this.started) this.write({ k: 'end', w: this.wall.now(), reason });
    this.started = false;
    await this.rec?.writer.close();
  }
}
