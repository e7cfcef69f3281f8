/**
 * The imperative shell around operator-flow.ts: reads keys from Ink, runs them through the pure
 * reducer, and performs the effects (send a command, show its result, exit after quit). A burst
 * of input ("fyreason\r" in one SSH packet) is split into its key presses (keys.ts), and each one
 * goes through the reducer in order; state is kept in a ref as well as in React state, so each
 * press sees the state the previous one left, not the last rendered one.
 */
import { useCallback, useRef, useState } from 'react';
import { useApp, useInput, useStdin, type Key } from 'ink';
import type { OperatorCommand, Workstation, WorkstationSnapshot } from '../workstation/model.ts';
import type { Scheduler } from './scheduler.ts';
import { toKeyPresses } from './keys.ts';
import { waitingDiffs } from '../workstation/diff-order.ts';
import { initialUi, reduceKey, type EngineFacts, type Effect, type FlashTone, type UiState } from './operator-flow.ts';

export interface OperatorOptions {
  readonly ws: Workstation;
  readonly snap: WorkstationSnapshot;
  /** False while the terminal is too small: nothing can be seen, so no key acts. */
  readonly enabled: boolean;
  readonly show: (text: string, tone: FlashTone) => void;
  readonly scheduler: Scheduler;
}

function factsOf(snap: WorkstationSnapshot): EngineFacts {
  return {
    state: snap.status.state,
    stateReason: snap.status.stateReason,
    stateSetByEngine: snap.status.stateSetByEngine,
    openPositions: snap.positions.filter((p) => p.qty !== 0).length,
    waiting: waitingDiffs(snap.diffs),
  };
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export function useOperator({ ws, snap, enabled, show, scheduler }: OperatorOptions): UiState {
  const { exit } = useApp();
  const { isRawModeSupported } = useStdin();
  const [ui, setUi] = useState<UiState>(initialUi);
  const uiRef = useRef<UiState>(initialUi);
  const snapRef = useRef(snap);
  snapRef.current = snap;

  const send = useCallback(
    (cmd: OperatorCommand): Promise<void> => {
      show(`${cmd.type}: sending…`, 'info');
      return ws.send(cmd).then(
        (res) => show(res.message === '' ? `${cmd.type}: ${res.ok ? 'done' : 'failed'}` : res.message, res.ok ? 'ok' : 'error'),
        (err: unknown) => show(`${cmd.type} failed: ${errorText(err)}`, 'error'),
      );
    },
    [ws, show],
  );

  const perform = useCallback(
    (effect: Effect) => {
      switch (effect.type) {
        case 'flash':
          show(effect.text, effect.tone);
          return;
        case 'send':
          void send(effect.cmd);
          return;
        case 'quit':
          // Exit on a later turn, so the last frame ("quitting…", the reply) is drawn first.
          void send(effect.cmd).finally(() => scheduler.schedule(() => exit(), 0));
          return;
      }
    },
    [send, show, exit, scheduler],
  );

  const onInput = useCallback(
    (input: string, key: Key) => {
      if (!enabled) return;
      for (const press of toKeyPresses(input, key)) {
        const step = reduceKey(uiRef.current, press, factsOf(snapRef.current));
        if (step.ui !== uiRef.current) {
          uiRef.current = step.ui;
          setUi(step.ui);
        }
        step.effects.forEach(perform);
      }
    },
    [enabled, perform],
  );

  useInput(onInput, { isActive: isRawModeSupported });
  return ui;
}
