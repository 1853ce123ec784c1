/**
 * The workspace packages as a user gets them: `npm pack` of each (its `prepack` builds its dist/), a real
 * `npm install` of tarballs into an empty project, and what that install added. Used by tests/e2e/packages.test.ts
 * and by `npm run bench -- --packages`.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from './paths.js';

const run = promisify(execFile);

/** The workspaces, in the order they depend on each other. */
export const WORKSPACES = ['contract', 'client', 'mock'] as const;

/** npm without its notices, so that its output is only what was asked for. */
export const npmEnv = {
  ...process.env,
  npm_config_audit: 'false',
  npm_config_fund: 'false',
  npm_config_update_notifier: 'false',
};

export interface Packed {
  readonly name: string;
  readonly version: string;
  /** The tarball's absolute path. */
  readonly tarball: string;
  /** Bytes of the tarball, and of its files unpacked. */
  readonly size: number;
  readonly unpackedSize: number;
  readonly files: readonly string[];
}

/** Packs every workspace into `dest`. */
export async function packWorkspaces(dest: string): Promise<Packed[]> {
  const args = ['pack', '--json', '--pack-destination', dest, ...WORKSPACES.flatMap((w) => ['-w', `packages/${w}`])];
  const { stdout } = await run('npm', args, { cwd: repoRoot, env: npmEnv, maxBuffer: 64 * 1024 * 1024 });
  const packed = JSON.parse(stdout.slice(stdout.indexOf('['))) as {
    name: string;
    version: string;
    filename: string;
    size: number;
    unpackedSize: number;
    files: { path: string }[];
  }[];
  return packed.map((p) => ({
    name: p.name,
    version: p.version,
    tarball: join(dest, p.filename),
    size: p.size,
    unpackedSize: p.unpackedSize,
    files: p.files.map((f) => f.path),
  }));
}

/** Makes `dir` an empty ESM project (a package.json and nothing else). */
export function emptyProject(dir: string): void {
  writeFileSync(
    join(dir, 'package.json'),
    `${JSON.stringify({ name: 'consumer', version: '1.0.0', private: true, type: 'module' }, null, 2)}\n`,
  );
}

/** `npm install <specs>` in `project` (scripts run, as for a user); resolves with how long it took, in ms. */
export async function npmInstall(project: string, args: readonly string[]): Promise<number> {
  const started = performance.now();
  await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', ...args], {
    cwd: project,
    env: npmEnv,
    maxBuffer: 64 * 1024 * 1024,
  });
  return performance.now() - started;
}

export interface InstalledPackage {
  readonly name: string;
  readonly version: string;
  readonly bytes: number;
  readonly hasInstallScript: boolean;
  /** Files of a compiled native addon (`*.node`). */
  readonly nativeFiles: number;
}

function sizeOf(dir: string): { bytes: number; nativeFiles: number } {
  let bytes = 0;
  let nativeFiles = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name === 'node_modules') continue; // a nested package is listed on its own
      const inner = sizeOf(p);
      bytes += inner.bytes;
      nativeFiles += inner.nativeFiles;
    } else if (entry.isFile()) {
      bytes += statSync(p).size;
      if (entry.name.endsWith('.node')) nativeFiles++;
    }
  }
  return { bytes, nativeFiles };
}

/** Every package under the project's node_modules (npm's own list, node_modules/.package-lock.json), with its size. */
export function installedPackages(project: string): InstalledPackage[] {
  const lockFile = join(project, 'node_modules', '.package-lock.json');
  if (!existsSync(lockFile)) return [];
  const lock = JSON.parse(readFileSync(lockFile, 'utf8')) as {
    packages: Record<string, { version?: string; hasInstallScript?: boolean; link?: boolean }>;
  };
  return Object.entries(lock.packages)
    .filter(([path, p]) => path.startsWith('node_modules/') && !p.link)
    .map(([path, p]) => ({
      name: path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length),
      version: p.version ?? '',
      hasInstallScript: p.hasInstallScript === true,
      ...sizeOf(join(project, path)),
    }));
}

/**
 * What each package costs a user, as lines: its tarball, and a real install of it (with the packages it depends on)
 * into an empty project: how long, how many packages and MiB, third-party ones named, install scripts, native files.
 */
export async function packageReport(scratch: string): Promise<string[]> {
  const packed = await packWorkspaces(scratch);
  const mib = (bytes: number) => (bytes / 1048576).toFixed(2);
  const kib = (bytes: number) => (bytes / 1024).toFixed(0);
  const lines = packed.map(
    (p) => `${p.name}: tarball ${kib(p.size)} KiB, unpacked ${mib(p.unpackedSize)} MiB, ${p.files.length} files`,
  );
  // Each package with the workspaces it depends on (they are not on the registry), in dependency order.
  for (const [i, name] of packed.map((p) => p.name).entries()) {
    const project = join(scratch, `install-${i}`);
    mkdirSync(project);
    emptyProject(project);
    const ms = await npmInstall(
      project,
      packed.slice(0, i + 1).map((p) => p.tarball),
    );
    const all = installedPackages(project);
    const theirs = all.filter((p) => !p.name.startsWith('@rd-contract/'));
    const bytes = (list: readonly InstalledPackage[]) => list.reduce((sum, p) => sum + p.bytes, 0);
    lines.push(
      `${name} installed: ${(ms / 1000).toFixed(1)} s, ${all.length} packages, ${mib(bytes(all))} MiB;` +
        ` third-party ${theirs.length} (${mib(bytes(theirs))} MiB:` +
        ` ${theirs.map((p) => p.name).join(', ') || 'none'});` +
        ` install scripts ${all.filter((p) => p.hasInstallScript).length},` +
        ` native files ${all.reduce((sum, p) => sum + p.nativeFiles, 0)}`,
    );
  }
  return lines;
}
