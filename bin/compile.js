// The compiled copy of the sources that bin/parity.js runs: every .ts/.tsx file under src/ and
// strategies/ transpiled one to one into dist/<key>/ (same tree, .js, the same module graph and
// the same lazy imports), so a command starts on Node's own loader instead of tsx's (whose
// loader thread and per-module round trips were most of a short command's time).
//
// `key` is a hash of every source file's path, size and modification time, plus this file and
// tsconfig.json: an edited, added or removed source gives a new key, so a stale copy is never run.
// A build goes to a temporary directory and is renamed into place when complete (a rename is
// atomic), so parallel invocations never see half a build; whichever finishes second uses the
// first one's. When the build cannot be made (esbuild missing, a syntax error), compiled()
// returns undefined and bin/parity.js runs the sources through tsx as before, which reports any
// error in the sources itself.
//
// `import.meta.url` in a source is replaced by the source's own URL, so paths it computes (the
// bundled data, the strategies directory, worker files) stay where they are. `node bin/compile.js`
// builds (npm's prepare runs it).
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const DIST = join(ROOT, 'dist');
const SOURCE_DIRS = ['src', 'strategies'];
const SELF = fileURLToPath(import.meta.url);
/** Complete builds kept (older ones are removed; a long-running session may still be loading from one). */
const KEEP = 8;
const COMPLETE = '.complete';

const isSource = (name) => /\.tsx?$/.test(name) && !name.endsWith('.d.ts');

function walk(dir, out) {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else if (e.isFile() && isSource(e.name)) out.push(p);
  }
}

/** The source files, sorted, and the key of their current contents. */
export function sources() {
  const files = [];
  for (const d of SOURCE_DIRS) walk(join(ROOT, d), files);
  files.sort();
  const h = createHash('sha256');
  h.update(`${process.version.split('.')[0]}\0${ROOT}\0`);
  for (const f of [SELF, join(ROOT, 'tsconfig.json'), ...files]) {
    const s = statSync(f, { throwIfNoEntry: false });
    h.update(`${relative(ROOT, f)}\0${s?.size ?? -1}\0${s?.mtimeMs ?? -1}\n`);
  }
  return { files, key: h.digest('hex').slice(0, 16) };
}

/** The directory of an up-to-date build, building it when there is none; undefined when it cannot be built. */
export async function compiled(onError = () => {}) {
  const { files, key } = sources();
  const dir = join(DIST, key);
  if (existsSync(join(dir, COMPLETE))) return dir;
  try {
    await build(files, dir);
  } catch (err) {
    onError(err);
    return undefined;
  }
  return existsSync(join(dir, COMPLETE)) ? dir : undefined;
}

async function build(files, dir) {
  const { build: esbuild } = await import('esbuild');
  mkdirSync(DIST, { recursive: true });
  const tmp = join(DIST, `.tmp-${process.pid}-${Date.now()}`);
  try {
    await esbuild({
      absWorkingDir: ROOT,
      entryPoints: files,
      outdir: tmp,
      outbase: ROOT,
      bundle: true, // with every import kept external (below): one output file per source file
      packages: 'external',
      format: 'esm',
      platform: 'node',
      target: 'node20',
      jsx: 'automatic',
      logLevel: 'silent',
      plugins: [oneToOne],
    });
    writeFileSync(join(tmp, COMPLETE), `${new Date().toISOString()}\n`);
    try {
      renameSync(tmp, dir);
    } catch (err) {
      // Another invocation finished the same build first: use its copy.
      if (!existsSync(join(dir, COMPLETE))) throw err;
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  prune(dir);
}

/** Keeps each source file its own module: relative imports of sources point at their twins, anything else stays as written. */
const oneToOne = {
  name: 'parity-one-to-one',
  setup(b) {
    b.onResolve({ filter: /^\.\.?\// }, (args) => {
      if (args.kind === 'entry-point') return undefined;
      const target = resolve(args.resolveDir, args.path);
      if (isInside(target) && isSource(target)) return { path: args.path.replace(/\.tsx?$/, '.js'), external: true };
      return { path: pathToFileURL(target).href, external: true };
    });
    b.onLoad({ filter: /\.tsx?$/ }, (args) => {
      const text = readFileSync(args.path, 'utf8');
      const url = JSON.stringify(pathToFileURL(args.path).href);
      return { contents: text.replace(/\bimport\.meta\.url\b/g, url), loader: args.path.endsWith('x') ? 'tsx' : 'ts', resolveDir: dirname(args.path) };
    });
  },
};

const isInside = (p) => SOURCE_DIRS.some((d) => p.startsWith(join(ROOT, d) + sep));

/** Removes builds beyond the newest KEEP (never `current`), and temporary directories an interrupted build left. */
function prune(current) {
  let entries;
  try {
    entries = readdirSync(DIST, { withFileTypes: true }).filter((e) => e.isDirectory());
  } catch {
    return;
  }
  const now = Date.now();
  const builds = [];
  for (const e of entries) {
    const p = join(DIST, e.name);
    const s = statSync(p, { throwIfNoEntry: false });
    if (s === undefined) continue;
    if (e.name.startsWith('.tmp-')) {
      if (now - s.mtimeMs > 10 * 60_000) rmSync(p, { recursive: true, force: true });
    } else if (p !== current) builds.push({ p, t: s.mtimeMs });
  }
  builds.sort((a, b) => b.t - a.t);
  for (const { p } of builds.slice(KEEP - 1)) rmSync(p, { recursive: true, force: true });
}

if (process.argv[1] === SELF) {
  const dir = await compiled((err) => console.error(String(err?.message ?? err)));
  if (dir === undefined) {
    console.error('parity: the compiled copy could not be built (above); parity will run the TypeScript sources through tsx, with a slower start-up.');
  } else console.log(relative(ROOT, dir));
}
