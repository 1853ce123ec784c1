/**
 * How the tests run the mock package's bin from its source (packages/mock/src/cli/main.ts): one Node process with
 * tsx's loader (`node --import tsx main.ts mock ...`), not tsx's CLI. The CLI runs the script in a child process of its
 * own, so a test that kills the CLI with SIGKILL (a clean-up after a failure) would leave that child serving after
 * `npm test`.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot } from './contract.js';

export const tsxLoader = pathToFileURL(join(repoRoot, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
/** The bin, `rd-mock`, from source. */
export const binScript = join(repoRoot, 'packages', 'mock', 'src', 'cli', 'main.ts');

/** The arguments for `spawn(process.execPath, ...)` that run the bin's `command` with `args` in this one process. */
export const commandArgs = (command: 'mock' | 'proxy', args: readonly string[] = []): string[] => [
  '--import',
  tsxLoader,
  binScript,
  command,
  ...args,
];
