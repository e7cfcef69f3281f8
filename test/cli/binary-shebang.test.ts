/**
 * bin/parity.js executed as `parity` is: its first line runs node with glibc's malloc asking for
 * transparent huge pages, before the caller's own GLIBC_TUNABLES (kept, and winning: a caller's
 * glibc.malloc.hugetlb=0 turns it off). The
 * line is run as the kernel runs it (`env -S`), on a probe that reports what node got and the
 * page faults of touching 64 MB; and the binary itself starts that way.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BIN } from '../kit/cli.ts';

const PROBE = `const f0 = process.resourceUsage().minorPageFault;
const a = new Float64Array(8 << 20);
for (let i = 0; i < a.length; i += 512) a[i] = 1;
console.log(JSON.stringify({ tunables: process.env.GLIBC_TUNABLES ?? null, faults: process.resourceUsage().minorPageFault - f0 }));`;

/** The binary's first line as Linux runs it: the interpreter, and the rest of the line as one argument. */
const shebang = (): string[] => {
  const first = readFileSync(BIN, 'utf8').split('\n')[0] as string;
  expect(first.startsWith('#!')).toBe(true);
  const line = first.slice(2).trim();
  const gap = line.indexOf(' ');
  return gap < 0 ? [line] : [line.slice(0, gap), line.slice(gap + 1)];
};

function probe(line: readonly string[], tunables: string | undefined): { tunables: string | null; faults: number } {
  const env = { ...process.env };
  delete env['GLIBC_TUNABLES'];
  if (tunables !== undefined) env['GLIBC_TUNABLES'] = tunables;
  const [cmd, ...args] = line;
  const r = spawnSync(cmd as string, [...args, '-e', PROBE], { env, encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as { tunables: string | null; faults: number };
}

describe('the parity binary', () => {
  it("runs node with glibc's malloc asking for huge pages, the caller's tunables kept and winning", () => {
    const line = shebang();
    expect(probe(line, undefined).tunables).toBe('glibc.malloc.hugetlb=1:');
    expect(probe(line, 'glibc.malloc.arena_max=2').tunables).toBe('glibc.malloc.hugetlb=1:glibc.malloc.arena_max=2');
    // Where the kernel gives huge pages on request, 64 MB is touched in far fewer faults than by
    // plain node, and the caller's own setting wins.
    const thp = readFileSync('/sys/kernel/mm/transparent_hugepage/enabled', 'utf8');
    if (thp.includes('[madvise]')) {
      const plain = probe([process.execPath], undefined).faults;
      expect(probe(line, undefined).faults).toBeLessThan(plain / 2);
      expect(probe(line, 'glibc.malloc.hugetlb=0').faults).toBeGreaterThan(plain / 2);
    }
  });

  it('starts when executed (not through node)', () => {
    const r = spawnSync(BIN, ['--version'], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
});
