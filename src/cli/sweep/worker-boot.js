// A worker thread starts without the main thread's module hooks: register tsx (as bin/parity.js
// does) so the TypeScript worker and user strategies load, then hand piscina the task function.
import { register } from 'tsx/esm/api';

register();
const mod = await import('./worker-thread.ts');
export default mod.default;
