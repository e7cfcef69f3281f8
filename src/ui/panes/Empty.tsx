/**
 * The one gray line a pane shows when it has nothing to list ("no open orders").
 */
import { Paint } from '../Paint.tsx';
import { truncate } from '../../workstation/format.ts';

export function Empty({ text, width }: { text: string; width: number }) {
  return <Paint tone="gray">{truncate(text, width)}</Paint>;
}
