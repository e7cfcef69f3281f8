/**
 * The terminal size from Ink's stdout, updated on every 'resize' event. Streams that are not a
 * terminal have no size: they count as 80x24, the smallest size the workstation is laid out for.
 */
import { useEffect, useState } from 'react';
import { useStdout } from 'ink';
import type { TerminalSize } from './layout.ts';

function sizeOf(stdout: NodeJS.WriteStream): TerminalSize {
  return { columns: stdout.columns || 80, rows: stdout.rows || 24 };
}

export function useTerminalSize(): TerminalSize {
  const { stdout } = useStdout();
  const [size, setSize] = useState(() => sizeOf(stdout));
  useEffect(() => {
    const onResize = () => {
      const next = sizeOf(stdout);
      setSize((prev) => (prev.columns === next.columns && prev.rows === next.rows ? prev : next));
    };
    onResize();
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout]);
  return size;
}
