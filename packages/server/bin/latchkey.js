#!/usr/bin/env node
// npm links a package's bin when the package is installed, which is before dist/ is built; a bin
// pointing into dist/ would not be linked at all in a fresh clone. This committed file is what
// npm links, and it loads the built command (`npm start` and `npm test` build it).
import { existsSync } from 'node:fs';

const built = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(built)) {
  console.error(
    'latchkey: the server is not built yet; run `npm run build` (npm start and npm test build it too).',
  );
  process.exit(2);
}
await import(built.href);
