/**
 * Draws one fitted line of segments (see segments.ts): never wider than `width`, never wrapped.
 */
import { Fragment } from 'react';
import { Box, Text } from 'ink';
import { Paint } from './Paint.tsx';
import { fitLine, type Segment } from './segments.ts';

export interface LineProps {
  readonly left: readonly Segment[];
  readonly right?: readonly Segment[];
  readonly width: number;
  readonly gap?: number;
}

function Segs({ segs, gap }: { segs: readonly Segment[]; gap: number }) {
  return (
    <>
      {segs.map((s, i) => (
        <Fragment key={i}>
          {i > 0 ? <Text>{' '.repeat(gap)}</Text> : null}
          <Paint tone={s.tone} bold={s.bold === true} inverse={s.inverse === true}>
            {s.text}
          </Paint>
        </Fragment>
      ))}
    </>
  );
}

export function Line({ left, right = [], width, gap = 2 }: LineProps) {
  const fitted = fitLine(left, right, width, gap);
  return (
    <Box width={width} height={1} overflow="hidden">
      <Segs segs={fitted.left} gap={gap} />
      {fitted.pad > 0 ? <Text>{' '.repeat(fitted.pad)}</Text> : null}
      <Segs segs={fitted.right} gap={gap} />
    </Box>
  );
}
