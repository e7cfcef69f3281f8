import { defineConfig } from 'vitest/config';

const shared = { testTimeout: 60_000, hookTimeout: 60_000 };

export default defineConfig({
  test: {
    projects: [
      { test: { ...shared, name: 'core', include: ['test/**/*.test.ts', 'test/**/*.test.tsx'], exclude: ['test/ui/**'] } },
      // The Ink tests load Ink as the binary does (see test/setup/interactive-ink.ts).
      { test: { ...shared, name: 'ui', include: ['test/ui/**/*.test.ts', 'test/ui/**/*.test.tsx'], setupFiles: ['test/setup/interactive-ink.ts'] } },
    ],
  },
});
