import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    setupFiles: ['test/setup/interactive-ink.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
