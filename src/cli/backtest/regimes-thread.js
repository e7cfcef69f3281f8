// Computes a backtest's volatility regimes (the engine's volatilityRegimes) on a thread of its
// own while the main thread runs the backtest: they depend on the closes alone (see run.ts). The
// closes are read in place from shared memory and the volatilities come back by transfer, so
// neither side copies them. Runs the compiled copy when the main thread does (its directory comes
// in workerData), else the sources through tsx, as src/cli/sweep/worker-boot.js does.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parentPort, workerData } from 'node:worker_threads';

const { compiled, close, offset, length, window } = workerData;
let engine;
if (compiled !== undefined) {
  engine = await import(pathToFileURL(join(compiled, 'src', 'engine', 'index.js')).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  engine = await import('../../engine/index.ts');
}
const regimes = engine.volatilityRegimes(new Float64Array(close, offset, length), window);
parentPort.postMessage(regimes, [regimes.vol.buffer]);
