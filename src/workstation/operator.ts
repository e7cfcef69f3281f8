/**
 * The operator's desk: pause, resume, flatten, halt, reconcile now, quit: the same commands from
 * the TUI's hotkeys and from `parity ctl`. Every command is written to the audit trail (an
 * OperatorAction in the journal, with its reason and where it came from) before it acts.
 *
 * - pause: no new entries (orders that reduce a position still go); resume undoes it.
 * - halt: cancel every order and send nothing more.
 * - flatten: no new entries, cancel every order, close every position with reduce-only
 *   marketable-limit orders (the last price moved `protectionBps` against us, IOC), then verify
 *   by reconciliation with the venue that nothing is left, retrying a remainder a few times; the
 *   outcome is logged. The engine stays paused afterwards: getting out means staying out.
 *
 * `send` resolves once the commands are handed to the engine (the effects show in snapshots);
 * reconcile resolves when the reconciliation is done.
 */
import { defineStrategy, type ClientOrderId, type Kernel, type StrategyContext, type Symbol } from '../engine/index.ts';
import { setByOperator, type CommandResult, type OperatorCommand } from './model.ts';
import type { AwaitingDiff, ReconOutcome } from './reconciler.ts';

/** Orders the operator places (flatten) are this pseudo-strategy's: ids P-operator-N, journaled like any. */
export const OPERATOR = 'operator';

/** The operator's order context, registered with the kernel like a strategy that never trades on its own. */
export function operatorStrategy(): { definition: ReturnType<typeof defineStrategy>; context(): StrategyContext | undefined } {
  let ctx: StrategyContext | undefined;
  const definition = defineStrategy({
    name: OPERATOR,
    params: {},
    create(c) {
      ctx = c;
      return {};
    },
  });
  return { definition, context: () => ctx };
}

export interface DeskOptions {
  readonly kernel: Kernel;
  readonly symbols: readonly Symbol[];
  readonly context: () => StrategyContext | undefined;
  /** Makes the engine process what was queued now (the live runtime's wake). */
  readonly wake: () => void;
  readonly reconcile: () => Promise<ReconOutcome>;
  /** The trading state as the operator reads it (loss limits included). */
  readonly status: () => { readonly state: string; readonly reason: string };
  /** Diffs waiting for the operator (the reconciler). */
  readonly diffs: {
    get(id: string): AwaitingDiff | undefined;
    waiting(): readonly AwaitingDiff[];
    adopt(id: string, reason: string): Promise<{ ok: boolean; message: string }>;
    adoptFor(key: string): Promise<void>;
    resolved(id: string, resolution: string): unknown;
  };
  readonly quit: (reason: string) => Promise<void>;
  readonly log: (record: Record<string, unknown>) => void;
  /** Marketable-limit band for closing orders, bps (default 50). */
  readonly protectionBps?: number;
  /** How long flatten waits for its orders before checking with the venue, ms (default 5000). */
  readonly settleMs?: number;
  /** Closing attempts before flatten gives up and says what is left (default 3). */
  readonly attempts?: number;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `done` every 25 ms until it holds or `ms` pass (venue confirmations arrive as events). */
async function waitUntil(done: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!done() && Date.now() < end) await sleep(25);
}

function operatorReason(what: string, reason: string): string {
  const r = reason.trim();
  return setByOperator(r) ? r : `operator ${what}: ${r}`;
}

export class OperatorDesk {
  private flattening: Promise<void> | undefined;

  constructor(private readonly o: DeskOptions) {}

  /** Runs an operator command; the audit trail has it before it acts, and says so when it was refused (it changed nothing). */
  async send(cmd: OperatorCommand, source: string): Promise<CommandResult> {
    const k = this.o.kernel;
    const reason = cmd.type === 'reconcile' ? 'operator reconcile' : cmd.reason;
    k.books.recordOperatorAction(cmd.type, reason, source);
    this.o.wake();
    const result = await this.act(cmd, reason);
    if (!result.ok && cmd.type !== 'reconcile') k.books.recordOperatorAction(cmd.type, reason, source, result.message);
    return result;
  }

  private async act(cmd: OperatorCommand, reason: string): Promise<CommandResult> {
    const k = this.o.kernel;
    switch (cmd.type) {
      case 'pause':
        if (k.tradingState === 'halted') return { ok: false, message: 'halted: nothing goes out already (resume first to pause instead)' };
        k.setTradingState('reducing', operatorReason('pause', cmd.reason));
        return { ok: true, message: 'paused: no new entries; orders that reduce a position still go' };
      case 'resume':
        return this.resume(cmd.reason, cmd.confirmed === true);
      case 'halt':
        k.setTradingState('halted', operatorReason('halt', cmd.reason));
        this.cancelAll();
        return { ok: true, message: 'halted: every order canceled, nothing more goes out' };
      case 'flatten':
        return this.flatten(cmd.reason);
      case 'reconcile': {
        const r = await this.o.reconcile();
        return {
          ok: !r.paused,
          message:
            r.diffs.length === 0 ? 'reconciled: engine and venue agree' : `reconciled: ${r.diffs.length} difference${r.diffs.length === 1 ? '' : 's'}${r.paused ? ', trading paused' : ', resolved'}`,
        };
      }
      case 'resolve':
        return this.resolve(cmd.diffId, cmd.choice, cmd.reason);
      case 'quit':
        void this.o.quit(reason);
        return { ok: true, message: 'stopping' };
    }
  }

  /**
   * Leaving the operator's own pause takes a reason; leaving a halt, or a state the engine entered
   * by itself (reconciliation, the journal, a venue halt, a guard's hold), also takes a
   * confirmation. A confirmed resume also lifts the loss-limit holds (the drawdown counts from the
   * equity then); stale-feed and drift holds lift by themselves when the cause goes. The answer says
   * the state the engine is in afterwards (a stale feed, or the gate's daily limit, can keep it reduce-only).
   */
  private resume(reason: string, confirmed: boolean): CommandResult {
    const k = this.o.kernel;
    const st = k.tradingState;
    const why = k.tradingStateReason;
    if (st !== 'active') {
      const byEngine = !setByOperator(why);
      if ((st === 'halted' || byEngine) && !confirmed) {
        const what = st === 'halted' ? 'HALTED' : 'PAUSED';
        return {
          ok: false,
          message: `not resumed: trading is ${what} (${byEngine ? 'set by the engine' : 'set by the operator'}: ${why}); leaving it needs a confirmation: press p then y in the workstation, or run parity ctl resume --reason "..." --confirm. Nothing was changed.`,
        };
      }
      k.setTradingState('active', operatorReason('resume', reason));
    }
    // A confirmed resume with a reason is the one way a loss-limit hold is lifted (journaled with the reason).
    const lifted = confirmed ? k.liftLossLimits(operatorReason('resume (confirmed)', reason)) : [];
    const also = lifted.length > 0 ? ` (lifted ${lifted.join(', ')})` : '';
    const after = this.o.status();
    if (after.state === 'RUNNING') return { ok: true, message: st === 'active' ? 'already trading: nothing to resume' : `resumed: trading${also}` };
    return { ok: true, message: `resumed${also}, but still ${after.state}: ${after.reason}` };
  }

  /**
   * The operator's choice on a diff that paused trading: adopt the venue's truth, or flatten the
   * symbol (the venue's position is taken first, so what is closed is what the venue holds).
   * Trading stays paused either way: the operator resumes when satisfied.
   */
  private async resolve(id: string, choice: 'adopt' | 'flatten', reason: string): Promise<CommandResult> {
    const d = this.o.diffs.get(id);
    if (d === undefined) return { ok: false, message: `no difference ${id} waits for a choice (resolved already, or a wrong id: parity ctl status lists them). Nothing was changed.` };
    if (!d.choices.includes(choice)) return { ok: false, message: `difference ${id} (${d.kind}) offers ${d.choices.join(' or ')}, not ${choice}. Nothing was changed.` };
    let result: CommandResult;
    if (choice === 'adopt') {
      result = await this.o.diffs.adopt(id, reason);
    } else {
      const symbol = d.symbol as Symbol;
      await this.o.diffs.adoptFor(`position:${symbol}`);
      const r = this.flatten(operatorReason('flatten', reason), [symbol]);
      this.o.diffs.resolved(id, `flattened by the operator: ${reason}`);
      result = { ok: r.ok, message: `difference ${id}: ${r.message}` };
    }
    if (!result.ok) return result;
    const left = this.o.diffs.waiting().length;
    const st = this.o.status();
    const after =
      left > 0
        ? `; ${left} more difference${left === 1 ? '' : 's'} wait${left === 1 ? 's' : ''} for a choice`
        : st.state === 'RUNNING'
          ? ''
          : `; trading stays ${st.state} until you resume (p then y, or parity ctl resume --confirm)`;
    return { ok: true, message: `${result.message}${after}` };
  }

  /** Resolves when the last flatten has been verified (tests, shutdown). */
  settled(): Promise<void> {
    return this.flattening ?? Promise.resolve();
  }

  /**
   * Cancels every open order (recorded as an operator action) and waits up to `ms` for the venue to
   * confirm; returns how many are still open. For shutdown with `shutdown.cancelOrders`.
   */
  async cancelAllAndWait(reason: string, source: string, ms: number): Promise<number> {
    const k = this.o.kernel;
    k.books.recordOperatorAction('cancel-all', reason, source);
    this.cancelAll();
    await waitUntil(() => k.orders.open().length === 0, ms);
    return k.orders.open().length;
  }

  private cancelAll(symbols?: readonly Symbol[]): void {
    const now = this.o.kernel.clock.now();
    if (symbols === undefined) this.o.kernel.command({ type: 'CancelAllOrders', tsInit: now });
    else for (const symbol of symbols) this.o.kernel.command({ type: 'CancelAllOrders', symbol, tsInit: now });
    this.o.wake();
  }

  private openPositions(symbols: readonly Symbol[] = this.o.symbols): { symbol: Symbol; qty: number }[] {
    return symbols.map((symbol) => ({ symbol, qty: this.o.kernel.portfolio.position(symbol).qty })).filter((p) => p.qty !== 0);
  }

  /** Reduce-only marketable limits for every open position (of `symbols`); returns their ids. */
  private closeAll(symbols?: readonly Symbol[]): ClientOrderId[] {
    const ctx = this.o.context();
    if (ctx === undefined) throw new Error('the operator context is not registered');
    const ids = this.openPositions(symbols).map((p) =>
      ctx.submit({ symbol: p.symbol, side: p.qty > 0 ? 'sell' : 'buy', qty: Math.abs(p.qty), reduceOnly: true, protectionBps: this.o.protectionBps ?? 50 }),
    );
    this.o.wake();
    return ids;
  }

  /** Flattens every symbol, or only `symbols` (a diff's): the engine stays paused afterwards. */
  private flatten(reason: string, symbols?: readonly Symbol[]): CommandResult {
    const k = this.o.kernel;
    // Reductions must be able to go out (from a halt too: the operator asked, confirmed, with a
    // reason); a pause already in force keeps its cause.
    if (k.tradingState !== 'reducing') k.setTradingState('reducing', operatorReason('flatten', reason));
    const orders = k.orders.open().filter((o) => symbols === undefined || symbols.includes(o.symbol)).length;
    this.cancelAll(symbols);
    let ids: ClientOrderId[];
    try {
      ids = this.closeAll(symbols);
    } catch (err) {
      return { ok: false, message: `flatten: ${(err as Error).message}` };
    }
    this.flattening = this.verify(ids, symbols).catch((err: unknown) => this.o.log({ kind: 'flatten', result: 'error', message: (err as Error).message }));
    const what = symbols === undefined ? '' : ` on ${symbols.join(', ')}`;
    return { ok: true, message: `flatten${what}: canceling ${orders} order${orders === 1 ? '' : 's'}, closing ${ids.length} position${ids.length === 1 ? '' : 's'}; verifying with the venue` };
  }

  /** Waits for the closing orders, checks with the venue, closes what is left; says how it ended. */
  private async verify(first: ClientOrderId[], symbols?: readonly Symbol[]): Promise<void> {
    const k = this.o.kernel;
    let ids = first;
    const attempts = this.o.attempts ?? 3;
    for (let attempt = 1; ; attempt++) {
      const working = (): boolean => {
        const open = new Set(k.orders.open().map((o) => o.clientOrderId));
        return ids.some((id) => open.has(id));
      };
      await waitUntil(() => !working(), this.o.settleMs ?? 5000);
      const r = await this.o.reconcile();
      const left = this.openPositions(symbols);
      const open = k.orders.open().filter((o) => symbols === undefined || symbols.includes(o.symbol)).length;
      if (left.length === 0 && open === 0) {
        this.o.log({ kind: 'flatten', result: 'flat', attempts: attempt, diffs: r.diffs.length, message: 'flat: no position and no open order at the venue (reconciled)' });
        return;
      }
      if (attempt >= attempts) {
        const what = left.map((p) => `${p.symbol} ${p.qty}`).join(', ');
        this.o.log({
          kind: 'flatten',
          result: 'not flat',
          attempts: attempt,
          positions: Object.fromEntries(left.map((p) => [p.symbol, p.qty])),
          openOrders: open,
          message: `NOT flat after ${attempt} attempts: ${what || 'no position'}; ${open} open order${open === 1 ? '' : 's'}`,
        });
        return;
      }
      if (open > 0) this.cancelAll(symbols);
      ids = this.closeAll(symbols);
    }
  }
}
