/**
 * ESLint, for what the type checker cannot see (docs/dev/architecture.md): the engine, the
 * simulated venue and strategies never read the wall clock, draw unseeded randomness or touch the
 * event loop; a Clock, a seeded Rng and a Scheduler are injected. Formatting is Prettier's.
 * test/dev/boundaries.test.ts checks that these rules fail on a violation.
 */
import tseslint from 'typescript-eslint';

const noWallClock = {
  'no-restricted-globals': [
    'error',
    ...['setTimeout', 'setInterval', 'setImmediate', 'clearTimeout', 'clearInterval', 'queueMicrotask', 'performance', 'process'].map((name) => ({
      name,
      message: 'the engine, the simulator and strategies get time and the event loop injected (Clock, Scheduler): see docs/dev/architecture.md',
    })),
  ],
  'no-restricted-properties': [
    'error',
    { object: 'Date', property: 'now', message: 'read time from the injected Clock (ctx.now() in a strategy)' },
    { object: 'Math', property: 'random', message: 'draw from the injected, seeded Rng: the same seed must give the same run' },
    { object: 'crypto', property: 'getRandomValues', message: 'draw from the injected, seeded Rng' },
    { object: 'crypto', property: 'randomUUID', message: 'ids are deterministic (ids.ts)' },
  ],
  'no-restricted-syntax': [
    'error',
    { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'new Date() reads the wall clock: use the injected Clock (new Date(ts) to format a given time is fine)' },
    { selector: "CallExpression[callee.name='Date']", message: 'Date() reads the wall clock: use the injected Clock' },
  ],
};

export default tseslint.config(
  { ignores: ['node_modules/**', 'state/**', 'out/**', 'dist/**', 'data/**'] },
  {
    files: ['src/engine/**/*.ts', 'src/paper/**/*.ts', 'strategies/**/*.ts'],
    languageOptions: { parser: tseslint.parser },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: noWallClock,
  },
);
