/**
 * Whether this process runs the compiled copy of the sources (bin/compile.js) or the sources
 * through tsx, and what loading a strategy takes in each case.
 *
 * Compiled, a strategy that has a compiled twin (the project's own) is imported from it, so it
 * shares this process's engine modules. Any other TypeScript strategy needs tsx, which is
 * registered the first time one is loaded, together with a resolve hook that sends the strategy's
 * imports of our sources (`../src/engine/index.ts`) to their compiled twins: one copy of the
 * engine, not a second one loaded through tsx.
 */
import { existsSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Set by bin/parity.js to the build directory when it runs the compiled copy. */
export const COMPILED = Symbol.for('parity.compiled');
/** The same directory, for the sweep's worker threads (src/cli/sweep/worker-boot.js). */
export const COMPILED_DIR_ENV = 'PARITY_COMPILED_DIR';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export function compiledDir(): string | undefined {
  const d = (globalThis as Record<symbol, unknown>)[COMPILED];
  return typeof d === 'string' ? d : undefined;
}

/** The compiled twin of one of our source files, when this process runs compiled and the twin exists. */
export function compiledTwin(file: string): string | undefined {
  const dir = compiledDir();
  if (dir === undefined) return undefined;
  const rel = relative(ROOT, file);
  if (rel.startsWith('..') || !/^(src|strategies)[\\/].*\.tsx?$/.test(rel)) return undefined;
  const twin = join(dir, rel).replace(/\.tsx?$/, '.js');
  return existsSync(twin) ? twin : undefined;
}

let registered: Promise<void> | undefined;

/** Makes `import()` of TypeScript work in this process (a no-op when it runs through tsx already). */
export function typescriptLoader(): Promise<void> {
  const dir = compiledDir();
  if (dir === undefined) return Promise.resolve();
  registered ??= (async () => {
    const { register } = await import('tsx/esm/api');
    register();
    const { register: registerHooks } = await import('node:module');
    // Registered after tsx, so it runs first and sees what tsx resolved.
    registerHooks(`data:text/javascript,${encodeURIComponent(TWIN_HOOK)}`, { data: { root: `${ROOT}${sep}`, dir } });
  })();
  return registered;
}

/** Resolves as tsx does, then swaps a source file of ours for its compiled twin. */
const TWIN_HOOK = `
import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
let root = '';
let dir = '';
export function initialize(data) { root = data.root; dir = data.dir; }
export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  if (!r.url.startsWith('file:')) return r;
  const file = fileURLToPath(r.url.split('?')[0]);
  if (!file.startsWith(root)) return r;
  const rel = relative(root, file);
  if (!/^(src|strategies)[\\\\/].*\\.tsx?$/.test(rel)) return r;
  const twin = join(dir, rel).replace(/\\.tsx?$/, '.js');
  return existsSync(twin) ? { url: pathToFileURL(twin).href, format: 'module', shortCircuit: true } : r;
}
`;
