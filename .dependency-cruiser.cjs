/**
 * The import rules of the house (docs/dev/architecture.md says why). `npm test` runs them
 * (`npm run lint:deps`); test/dev/boundaries.test.ts checks that each one fails on a violation.
 *
 * Layers of the engine, each importing only those before it:
 *   model <- ports <- components <- kernel <- runtime
 * Around it: adapters (src/paper, src/exchanges) see the engine through its barrel only; only
 * src/exchanges touches ccxt; nothing but the composition root (src/cli) reaches the UI or the
 * local exchange; the engine imports nothing outside itself.
 */
const layer = (name) => `^src/engine/${name}/`;

module.exports = {
  forbidden: [
    { name: 'no-cycles', severity: 'error', comment: 'No import loops, type-only ones included.', from: {}, to: { circular: true } },
    {
      name: 'model-is-the-bottom',
      severity: 'error',
      comment: 'The model imports nothing of the engine but the model.',
      from: { path: layer('model') },
      to: { path: '^src/engine/', pathNot: layer('model') },
    },
    { name: 'ports-see-the-model', severity: 'error', from: { path: layer('ports') }, to: { path: '^src/engine/', pathNot: [layer('model'), layer('ports')] } },
    { name: 'components-below-the-kernel', severity: 'error', from: { path: layer('components') }, to: { path: [layer('kernel'), layer('runtime'), '^src/engine/index\\.ts$'] } },
    { name: 'kernel-below-the-runtimes', severity: 'error', from: { path: layer('kernel') }, to: { path: [layer('runtime'), '^src/engine/index\\.ts$'] } },
    {
      name: 'engine-is-self-contained',
      severity: 'error',
      comment: 'The engine imports nothing of the shell, the adapters or node built-ins with effects.',
      from: { path: '^src/engine/' },
      to: { path: '^src/', pathNot: '^src/engine/' },
    },
    {
      name: 'engine-no-io',
      severity: 'error',
      comment: "No file system, network, process or timers in the engine: they are the shell's (injected ports).",
      from: { path: '^src/engine/' },
      to: { dependencyTypes: ['core'], path: '^(node:)?(fs|fs/promises|net|http|https|child_process|timers|dgram|worker_threads)$' },
    },
    {
      name: 'adapters-see-the-barrel',
      severity: 'error',
      comment: 'Adapters and the shell import the engine through src/engine/index.ts only.',
      from: { path: '^src/', pathNot: '^src/engine/' },
      to: { path: '^src/engine/', pathNot: '^src/engine/index\\.ts$' },
    },
    { name: 'strategies-see-the-barrel', severity: 'error', from: { path: '^strategies/' }, to: { path: '^src/', pathNot: '^src/engine/index\\.ts$' } },
    { name: 'only-exchanges-touch-ccxt', severity: 'error', from: { pathNot: '^src/exchanges/' }, to: { path: '(^|/)node_modules/ccxt/' } },
    {
      name: 'nothing-imports-the-ui',
      severity: 'error',
      comment: 'The UI reads the workstation and sends commands; only the CLI mounts it.',
      from: { path: '^src/', pathNot: ['^src/ui/', '^src/cli/run/command\\.ts$'] },
      to: { path: '^src/ui/' },
    },
    {
      name: 'adapters-no-persistence',
      severity: 'error',
      comment: 'An adapter does not reach into persistence (crash points are injected).',
      from: { path: ['^src/exchanges/', '^src/paper/'] },
      to: { path: '^src/persistence/' },
    },
    {
      name: 'local-exchange-is-a-product',
      severity: 'error',
      comment: 'The local exchange is a venue of its own: nothing of Parity imports it but the composition root, and it imports only the engine barrel and the data loaders.',
      from: { path: '^src/', pathNot: ['^src/local-exchange/', '^src/cli/'] },
      to: { path: '^src/local-exchange/' },
    },
    {
      name: 'local-exchange-stands-alone',
      severity: 'error',
      from: { path: '^src/local-exchange/' },
      to: { path: '^src/', pathNot: ['^src/local-exchange/', '^src/engine/index\\.ts$', '^src/data/'] },
    },
    {
      name: 'paper-is-not-an-exchange',
      severity: 'error',
      comment: 'The simulated venue and the ccxt adapter do not know each other.',
      from: { path: '^src/paper/' },
      to: { path: ['^src/exchanges/', '^src/local-exchange/'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|test|bench|scripts)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'], extensions: ['.ts', '.tsx', '.js', '.mjs'] },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
