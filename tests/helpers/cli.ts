/**
 * How the tests run a TypeScript entry point such as scripts/mock.ts: one Node process with tsx's loader
 * (`node --import tsx scripts/mock.ts ...`), not tsx's CLI. The CLI runs the script in a child process of its own, so
 * a test that kills the CLI with SIGKILL (a clean-up after a failure) would leave that child serving after `npm test`.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot } from './contract.js';

export const tsxLoader = pathToFileURL(join(repoRoot, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
export const mockScript = join(repoRoot, 'scripts', 'mock.ts');

/** The arguments for `spawn(process.execPath, ...)` that run `script` with `args` in this one process. */
export const scriptArgs = (script: string, args: readonly string[] = []): string[] => ['--import', tsxLoader, script, ...args];

export const proxyScript = join(repoRoot, 'scripts', 'proxy.ts');
