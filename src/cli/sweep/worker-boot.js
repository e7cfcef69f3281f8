// A worker thread starts without the main thread's module hooks or globals. When the main thread
// runs the compiled copy (bin/compile.js), pool.ts passes its directory and the thread runs the
// same copy; otherwise it registers tsx (as bin/parity.js does) so the TypeScript worker and user
// strategies load. Then it hands piscina the task function.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const dir = process.env.PARITY_COMPILED_DIR;
let mod;
if (dir !== undefined && existsSync(join(dir, '.complete'))) {
  globalThis[Symbol.for('parity.compiled')] = dir;
  mod = await import(pathToFileURL(join(dir, 'src', 'cli', 'sweep', 'worker-thread.js')).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  mod = await import('./worker-thread.ts');
}
export default mod.default;
