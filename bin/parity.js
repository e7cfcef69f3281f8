#!/usr/bin/env -S GLIBC_TUNABLES=glibc.malloc.hugetlb=1:${GLIBC_TUNABLES} node
// Entry point. Runs the compiled copy of the sources (bin/compile.js: built on the first run after
// any source changed, then reused), which starts on Node's own loader; when it cannot be built,
// or with PARITY_COMPILED=0, it registers tsx and runs the TypeScript sources directly, as
// before. User strategies in TypeScript load either way (src/cli/compiled.ts).
//
// The first line runs node with glibc's malloc asking for transparent huge pages, before the
// user's own GLIBC_TUNABLES (kept, and theirs win: glibc.malloc.hugetlb=0 turns it off). A
// backtest's columns and samples are big buffers, and where the kernel gives huge pages on request
// (THP "madvise", Debian's and Ubuntu's default) they are touched 2 MB at a time instead of 4 KB.
// Measured, warm 2M-bar `parity backtest --json`: 78k page faults -> 41k, 1.74-1.83 s -> 1.55-1.68 s;
// live latency unchanged (bench/live-latency.ts). Nothing else changes: on other C libraries, or
// with THP off, the variable is ignored. It needs an `env` that takes -S (GNU coreutils 8.30+,
// BSD, macOS); `node bin/parity.js` runs without it.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

// No GC flags are set here: V8 reads the young generation's size when the heap is set up, so a
// setFlagsFromString('--max-semi-space-size=64') at this point changed nothing (the warm 2M-bar
// backtest still scavenged every ~17 MB, as without it), and forcing 64 MB from the command line
// measured slower on that run (median 3.05 s against 2.74 s, 8 alternating runs each).
// React's production build: the development one doubles the screen's render time (bench/tui.ts).
process.env.NODE_ENV ??= 'production';
const dir = process.env.PARITY_COMPILED === '0' ? undefined : await (await import('./compile.js')).compiled();
let main;
if (dir !== undefined) {
  globalThis[Symbol.for('parity.compiled')] = dir;
  ({ main } = await import(pathToFileURL(join(dir, 'src', 'cli', 'main.js')).href));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../src/cli/main.ts'));
}
const code = await main(process.argv);
// Exit once stdout and stderr have flushed (a pipe takes large output asynchronously): a finished
// command must not linger on sockets or timers a library keeps open.
const flushed = (stream) => new Promise((resolve) => stream.write('', () => resolve()));
await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
process.exit(code);
