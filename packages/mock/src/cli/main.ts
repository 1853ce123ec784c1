#!/usr/bin/env node
/**
 * `rd-mock [mock] [options]` serves the mock (./mock.ts); `rd-mock proxy --upstream <url> [options]` runs the contract
 * proxy (./proxy.ts). Without a command, or with options only, it serves the mock. Exit code 2 for a bad command or
 * flag, 1 when it cannot start; the URL is the first line on stdout; SIGINT or SIGTERM stops it cleanly (exit 0).
 */
import { CliExit } from './command.js';

const usage = `Usage: rd-mock [mock] [options]             serve the mock (rd-mock mock --help)
       rd-mock proxy --upstream <url> [options]  check traffic against the contract (rd-mock proxy --help)`;

const [command, ...rest] = process.argv.slice(2);

/** The command to run and its own arguments; only the one asked for is loaded. */
async function run(): Promise<void> {
  if (command === '-h' || command === '--help') return console.log(usage);
  if (command === undefined || command.startsWith('-'))
    return (await import('./mock.js')).runMock(process.argv.slice(2));
  if (command === 'mock') return (await import('./mock.js')).runMock(rest);
  if (command === 'proxy') return (await import('./proxy.js')).runProxy(rest);
  throw new CliExit(2, `rd-mock: unknown command "${command}"\n\n${usage}`);
}

try {
  await run();
} catch (e) {
  if (!(e instanceof CliExit)) throw e;
  console.error(e.message);
  process.exit(e.code);
}
