/**
 * What the bin's commands (./mock.ts, ./proxy.ts) share: how one ends with an exit code, flag values that look like
 * negative numbers, the optional peer dependencies a flag needs, and a clean stop on SIGINT / SIGTERM.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { normaliseCorsFlag } from '../frontend/cors.js';
import { parseCorsOrigin } from '../frontend/cors.js';

/** A command's end before it serves: the message for stderr and the exit code (2: a bad flag; 1: it cannot start). */
export class CliExit extends Error {
  readonly code: number;
  constructor(code: number, message: string) {
    super(message);
    this.name = 'CliExit';
    this.code = code;
  }
}

/**
 * parseArgs takes `--port -1` for a forgotten value; a negative number is joined to its flag (`--port=-1`) so that the
 * command refuses it with the flag and the value named.
 */
export function joinNegativeNumbers(args: readonly string[], numericFlags: readonly string[]): string[] {
  const out = [...args];
  for (let i = 0; i < out.length - 1; i++) {
    if (numericFlags.includes(out[i]!) && /^-[\d.]/.test(out[i + 1]!)) out.splice(i, 2, `${out[i]}=${out[i + 1]}`);
  }
  return out;
}

/**
 * A command's flags (and `-h`/`--help`), parsed strictly: an unknown flag or a missing value goes to `fail` (exit 2);
 * `--cors` may stand without its value; a negative number is kept with its numeric flag. Undefined once the usage has
 * been printed for --help.
 */
export function parseFlags<const O extends FlagOptions>(
  argv: readonly string[],
  options: O,
  numericFlags: readonly string[],
  usage: string,
  fail: (message: string) => never,
): Flags<O> | undefined {
  let values: Record<string, unknown>;
  try {
    ({ values } = parseArgs({
      args: joinNegativeNumbers(normaliseCorsFlag([...argv]), numericFlags),
      options: { ...options, help: { type: 'boolean', short: 'h', default: false } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (e) {
    fail((e as Error).message);
  }
  if (values.help) {
    console.log(usage);
    return undefined;
  }
  return values as Flags<O>;
}

type FlagOptions = NonNullable<ParseArgsConfig['options']>;
/** The values parseArgs gives for these options. */
type Flags<O extends FlagOptions> = ReturnType<
  typeof parseArgs<{ args: string[]; options: O; strict: true; allowPositionals: false }>
>['values'];

/** The optional peer dependencies of @rd-contract/mock (package.json `peerDependenciesMeta`) a flag may need. */
export type OptionalPeer = 'better-sqlite3' | 'ioredis' | 'yaml';

/**
 * Exits 2 (a CliExit) naming the install command when the flag's driver cannot be found from this package, as in a
 * project that installed @rd-contract/mock without it (npm does not install optional peer dependencies).
 */
export function requirePeer(name: OptionalPeer, flag: string, command: string): void {
  try {
    createRequire(import.meta.url).resolve(name);
  } catch {
    // the bin's folder, cli/ under src/ or dist/, sits two folders below the package's own package.json
    const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      name: string;
      peerDependencies: Record<string, string>;
    };
    throw new CliExit(
      2,
      `${command}: ${flag} needs ${name}, an optional peer dependency of ${manifest.name} that is not installed.` +
        ` Install it:\n` +
        `  npm install --save-dev "${name}@${manifest.peerDependencies[name]}"`,
    );
  }
}

/**
 * On the first SIGINT or SIGTERM: says so on stderr, runs `before`, closes, and exits 0 (1 if closing takes over 5 s).
 *
 * Started through npm (`npx rd-mock`: npm sets `npm_command`), the process the user started is npm, which runs the
 * command under `sh -c`: SIGTERM to npm ends npm and that shell, not this process. So under npm, a parent that is gone
 * (this process was left to another, `process.ppid` changed) stops it the same way. (The repository's `npm run mock`
 * execs node in place of that shell, so npm hands its signals straight to this process.)
 */
export function stopOnSignals(command: string, close: () => Promise<void>, before?: () => void): void {
  let stopping = false;
  const stop = (why: string) => {
    if (stopping) return;
    stopping = true;
    console.error(`${command}: ${why}, stopping`);
    const force = setTimeout(() => process.exit(1), 5_000);
    force.unref();
    before?.();
    void close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  if (process.env.npm_command) {
    const parent = process.ppid;
    setInterval(() => process.ppid !== parent && stop('the npm process that started it ended'), 250).unref();
  }
}

/** The value of `--cors` (undefined when not given; `*` without a value), or `fail` with what is wrong with it. */
export function corsFlag(value: string | undefined, fail: (message: string) => never): string | undefined {
  try {
    return value === undefined ? undefined : parseCorsOrigin(value);
  } catch (e) {
    return fail((e as Error).message);
  }
}
