#!/usr/bin/env node
/**
 * `rd-mock [mock] [options]` serves the mock (./mock.ts); `rd-mock proxy --upstream <url> [options]` runs the contract
 * proxy (./proxy.ts). Without a command, or with options only, it serves the mock. Exit code 2 for a bad command.
 */
const command = process.argv[2];
const commands = { mock: './mock.js', proxy: './proxy.js' } as const;
const usage = `Usage: rd-mock [mock] [options]             serve the mock (rd-mock mock --help)
       rd-mock proxy --upstream <url> [options]  check traffic against the contract (rd-mock proxy --help)`;

if (command === undefined || command.startsWith('-')) {
  if (command === '-h' || command === '--help') {
    console.log(usage);
    process.exit(0);
  }
  await import(commands.mock);
} else if (command === 'mock' || command === 'proxy') {
  // The command's own options follow it: the module reads them from process.argv.
  process.argv.splice(2, 1);
  await import(commands[command]);
} else {
  console.error(`rd-mock: unknown command "${command}"\n\n${usage}`);
  process.exit(2);
}
