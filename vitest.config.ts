import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/** The workspace packages, read from their sources (tsconfig.json `paths` say the same for tsc and tsx). */
const source = (path: string): string => fileURLToPath(new URL(path, import.meta.url));
const alias = [
  { find: /^@rd-contract\/contract$/, replacement: source('./generated/contract.ts') },
  { find: /^@rd-contract\/client$/, replacement: source('./packages/client/src/index.ts') },
  { find: /^@rd-contract\/client\/protocol$/, replacement: source('./packages/client/src/protocol/index.ts') },
  { find: /^@rd-contract\/mock$/, replacement: source('./packages/mock/src/index.ts') },
  { find: /^@rd-contract\/mock\/testing$/, replacement: source('./packages/mock/src/testing/index.ts') },
];

export default defineConfig({
  resolve: { alias },
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    projects: [
      // The unit files leave no global state behind (their stubs, spies and fake timers are undone after each test), so
      // one worker thread runs several of them and imports the contract, its checks and the packages' sources once.
      {
        extends: true,
        test: { name: 'unit', include: ['tests/unit/**/*.test.ts'], pool: 'threads', isolate: false },
      },
      { extends: true, test: { name: 'e2e', include: ['tests/e2e/**/*.test.ts'] } },
    ],
  },
});
