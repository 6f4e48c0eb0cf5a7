import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // The SDK's tests, and the example app they drive, use @latchkey/client from source (no build).
  resolve: {
    alias: [
      {
        find: /^@latchkey\/client\/file-storage$/,
        replacement: fileURLToPath(new URL('packages/client/src/fileStorage.ts', import.meta.url)),
      },
      {
        find: /^@latchkey\/client$/,
        replacement: fileURLToPath(new URL('packages/client/src/index.ts', import.meta.url)),
      },
    ],
  },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'packages/*/test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    globalSetup: ['packages/server/test/global-setup.ts'],
    reporters: ['default', './packages/server/test/summary-reporter.ts'],
  },
});
