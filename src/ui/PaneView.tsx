/**
 * One pane in its frame: picks the pane component and title summary for an id. The frame takes
 * one line for the title; the pane gets the rest.
 */
import type { FunctionComponent } from 'react';
import type { WorkstationSnapshot } from '../workstation/model.ts';
import { paneInfo, type PaneId } from './panes.ts';
import { PaneFrame } from './PaneFrame.tsx';
import type { PaneProps } from './panes/pane-props.ts';
import { PositionsPane, positionsSummary } from './panes/PositionsPane.tsx';
import { OrdersPane, ordersSummary } from './panes/OrdersPane.tsx';
import { DiffsPane, diffsSummary } from './panes/DiffsPane.tsx';
import { FundingPane, fundingSummary } from './panes/FundingPane.tsx';
import { LatencyPane, latencySummary } from './panes/LatencyPane.tsx';
import { DivergencePane, divergenceSummary } from './panes/DivergencePane.tsx';
import { EquityPane, equitySummary } from './panes/EquityPane.tsx';
import { EventsPane, eventsSummary } from './panes/EventsPane.tsx';

const VIEWS: Record<PaneId, { body: FunctionComponent<PaneProps>; summary: (s: WorkstationSnapshot) => string }> = {
  positions: { body: PositionsPane, summary: positionsSummary },
  orders: { body: OrdersPane, summary: ordersSummary },
  diffs: { body: DiffsPane, summary: diffsSummary },
  funding: { body: FundingPane, summary: fundingSummary },
  latency: { body: LatencyPane, summary: latencySummary },
  divergence: { body: DivergencePane, summary: divergenceSummary },
  equity: { body: EquityPane, summary: equitySummary },
  events: { body: EventsPane, summary: eventsSummary },
};

export interface PaneViewProps {
  readonly id: PaneId;
  readonly snap: WorkstationSnapshot;
  readonly width: number;
  /** Lines in all, the title included. */
  readonly height: number;
  readonly selected: boolean;
  readonly selectedDiff: string | undefined;
}

export function PaneView({ id, snap, width, height, selected, selectedDiff }: PaneViewProps) {
  const view = VIEWS[id];
  const info = paneInfo(id);
  const Body = view.body;
  return (
    <PaneFrame title={`${info.key} ${info.title}`} summary={view.summary(snap)} width={width} height={height} selected={selected}>
      <Body snap={snap} width={width} height={Math.max(0, height - 1)} selectedDiff={selectedDiff} />
    </PaneFrame>
  );
}
