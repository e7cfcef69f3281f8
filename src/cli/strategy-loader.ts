/**
 * Finds and loads a strategy module: a name from the strategies/ directory (the project's, then the
 * current directory's), or a path to a .ts/.js file. The default export must be a strategy
 * definition (see src/engine/strategy.ts).
 */
import { existsSync, readdirSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { AnyStrategyDefinition } from '../engine/index.ts';
import { compiledTwin, typescriptLoader } from './compiled.ts';
import { UserError } from './errors.ts';

const PROJECT_STRATEGIES = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'strategies');

function dirs(): string[] {
  const local = resolve('strategies');
  return local === PROJECT_STRATEGIES ? [PROJECT_STRATEGIES] : [PROJECT_STRATEGIES, local];
}

/** Strategy names available in the strategies/ directories. */
export function availableStrategies(): string[] {
  const names = new Set<string>();
  for (const d of dirs()) {
    if (!existsSync(d)) continue;
    for (const f of readdirSync(d)) if (/\.(ts|js|mjs)$/.test(f) && !f.endsWith('.d.ts')) names.add(f.replace(/\.(ts|js|mjs)$/, ''));
  }
  return [...names].sort();
}

function locate(nameOrPath: string): string {
  const looksLikePath = nameOrPath.includes('/') || /\.(ts|js|mjs)$/.test(nameOrPath);
  if (looksLikePath) {
    const p = isAbsolute(nameOrPath) ? nameOrPath : resolve(nameOrPath);
    if (!existsSync(p)) throw new UserError(`strategy file ${nameOrPath} does not exist`);
    return p;
  }
  for (const d of dirs()) {
    for (const ext of ['.ts', '.js', '.mjs']) {
      const p = join(d, nameOrPath + ext);
      if (existsSync(p)) return p;
    }
  }
  const known = availableStrategies();
  throw new UserError(`unknown strategy "${nameOrPath}". Available: ${known.length > 0 ? known.join(', ') : '(none)'}; a path to a .ts or .js module also works.`);
}

export interface LoadedStrategy {
  readonly definition: AnyStrategyDefinition;
  readonly file: string;
}

export async function loadStrategy(nameOrPath: string): Promise<LoadedStrategy> {
  const file = locate(nameOrPath);
  const twin = compiledTwin(file);
  if (twin === undefined) await typescriptLoader(); // a .js strategy may import our .ts sources too
  let mod: { default?: unknown };
  try {
    mod = (await import(pathToFileURL(twin ?? file).href)) as { default?: unknown };
  } catch (err) {
    // A .ts file outside an ESM package loads as CommonJS, which cannot require our ES modules
    // from inside an import; tsx's isolated loader can. Its CommonJS default export is nested.
    if (!/require\(\)|require\(esm\)|ERR_REQUIRE/i.test((err as Error).message)) {
      throw new UserError(`strategy module ${file} failed to load: ${(err as Error).message}`);
    }
    try {
      const { tsImport } = await import('tsx/esm/api');
      const m = (await tsImport(pathToFileURL(file).href, import.meta.url)) as { default?: { default?: unknown } };
      mod = typeof (m.default as { create?: unknown } | undefined)?.create === 'function' ? m : { default: m.default?.default };
    } catch (err2) {
      throw new UserError(`strategy module ${file} failed to load: ${(err2 as Error).message}`);
    }
  }
  const def = mod.default as Partial<AnyStrategyDefinition> | undefined;
  if (def === undefined || typeof def !== 'object' || typeof def.create !== 'function' || typeof def.name !== 'string' || typeof def.params !== 'object') {
    throw new UserError(`${file} does not export a strategy: its default export must be defineStrategy({ name, params, create })`);
  }
  return { definition: def as AnyStrategyDefinition, file };
}
