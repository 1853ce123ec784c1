/**
 * `npm run diff -- <git ref>`: the breaking-change check for contract reviewers and package users.
 *
 * Descriptions: every published description (the YAML files under generated/, both APIs, full and per action) is
 * known by what it describes, read from its content (`x-acs-rpc` product and version; the operationIds of a per-action
 * one), not by its path, and compared with its predecessor at <git ref>, wherever that lived (read with
 * `git show <ref>:<path>` into a temporary folder), using @useoptic/optic's `optic diff --check` (its standard
 * breaking-change rules); optic's report is printed per description. Only the YAML twins are compared: each JSON file
 * is the same document (`npm run build` writes both).
 *
 * Packages: every exports path (import specifier) and published file of the packages at <git ref> (the root package
 * before the workspaces, packages/<name> since; what a workspace's build copies from generated/ is
 * scripts/packages.ts's `copiedFromGenerated`) must still be published; a removed one is breaking, and when it was a
 * description the line names where that description is published now.
 *
 * Exit status: 0 when nothing breaks; 1 when a description has a breaking change or is gone, or an exports path or
 * published file is gone; 2 on a usage error or when optic could not run. A description new since <ref> has nothing
 * to break: listed as new.
 *
 * Optic's telemetry is turned off (OPTIC_TELEMETRY_LEVEL=off); it needs no network for a local diff.
 */
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { pathToFileURL } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { copiedFromGenerated } from './packages.js';
import { repoRoot } from './paths.js';

import type { Json } from './contract/json.js';

const run = promisify(execFile);
const opticBin = join(repoRoot, 'node_modules', '.bin', 'optic');

export interface FileVerdict {
  /** The path relative to the repository root (at the ref, for a removed one). */
  readonly path: string;
  /** What it describes: `<Product>/<version>`, and ` <Action>` for a per-action description. */
  readonly key: string;
  /** Its predecessor at the ref, wherever it lived. */
  readonly predecessor?: string;
  readonly status: 'unchanged-or-compatible' | 'breaking' | 'new' | 'removed';
  /** Optic's report (empty for new and removed files). */
  readonly report: string;
}

/**
 * Compares one description at `base` (the older one) with `head` with optic's breaking-change check.
 * Resolves breaking: true when optic's check fails (exit 1); throws when optic cannot run.
 */
export async function compareDescription(base: string, head: string): Promise<{ breaking: boolean; report: string }> {
  const env = { ...process.env, OPTIC_TELEMETRY_LEVEL: 'off', NO_COLOR: '1', FORCE_COLOR: '0' };
  try {
    const { stdout, stderr } = await run(opticBin, ['diff', base, head, '--check'], {
      env,
      cwd: dirname(head),
      maxBuffer: 64 * 1024 * 1024,
    });
    return { breaking: false, report: stdout + stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string; message: string };
    if (err.code === 1 && /breaking change|Checks: \d+\/\d+ passed/.test(err.stdout ?? ''))
      return { breaking: true, report: (err.stdout ?? '') + (err.stderr ?? '') };
    throw new Error(
      `optic could not compare ${base} and ${head}: ${err.message}\n${err.stdout ?? ''}${err.stderr ?? ''}`,
      { cause: e },
    );
  }
}

const git = (args: string[]): string =>
  execFileSync('git', args, {
    cwd: repoRoot,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    stdio: ['ignore', 'pipe', 'pipe'],
  });

/** A tree of files: this checkout (or another folder), or the repository at a git ref. */
interface Tree {
  /** Every file under `prefix/`, relative to the root. */
  list(prefix: string): string[];
  read(path: string): string | undefined;
}

function folderTree(root: string): Tree {
  const walk = (dir: string): string[] =>
    existsSync(join(root, dir))
      ? readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) =>
          e.isDirectory() ? walk(`${dir}/${e.name}`) : [`${dir}/${e.name}`],
        )
      : [];
  return {
    list: walk,
    read: (path) => (existsSync(join(root, path)) ? readFileSync(join(root, path), 'utf8') : undefined),
  };
}

function gitTree(ref: string): Tree {
  const all = git(['ls-tree', '-r', '--name-only', ref]).split('\n').filter(Boolean);
  return {
    list: (prefix) => all.filter((p) => p.startsWith(`${prefix}/`)),
    read: (path) => (all.includes(path) ? git(['show', `${ref}:${path}`]) : undefined),
  };
}

/**
 * Which description a document is, from its content: its API (`x-acs-rpc` product and version) and, for a per-action
 * description, its action (the operations' operationIds, `<Action>Get` being the same action's GET). Undefined for a
 * YAML file that is not one of ours.
 */
export function descriptionKey(text: string): string | undefined {
  let doc: Json;
  try {
    doc = parseYaml(text);
  } catch {
    return undefined;
  }
  const rpc = doc?.['x-acs-rpc'];
  if (!rpc?.product || !doc.paths) return undefined;
  const api = `${rpc.product}/${rpc.version ?? doc.info?.version}`;
  const ids = new Set<string>(
    Object.values<Json>(doc.paths).flatMap((item) =>
      Object.values<Json>(item)
        .map((op) => op?.operationId)
        .filter(Boolean),
    ),
  );
  const actions = [...ids].filter((id) => !(id.endsWith('Get') && ids.has(id.slice(0, -3))));
  return actions.length === 1 ? `${api} ${actions[0]}` : api;
}

/**
 * The published descriptions of a tree: every YAML file under generated/ but the rendered docs, by what it describes.
 */
function descriptionsOf(tree: Tree): Map<string, string> {
  const out = new Map<string, string>();
  for (const path of tree
    .list('generated')
    .filter((p) => p.endsWith('.yaml') && !p.startsWith('generated/docs/'))
    .sort()) {
    const key = descriptionKey(tree.read(path) ?? '');
    if (key && !out.has(key)) out.set(key, path);
  }
  return out;
}

/**
 * What a tree publishes: per package, the files its tarball holds (those the repository knows) and its `exports` paths.
 */
export interface PublishedSurface {
  /** `<package>/<path in the package>` -> the file in the repository. */
  readonly files: Map<string, string>;
  /**
   * An import specifier, `<package>` or `<package>/<subpath>` -> the file in the repository ('' for a build output).
   */
  readonly exports: Map<string, string>;
}

const glob = (pattern: string): RegExp =>
  new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')}(/.*)?$`);

function surfaceOf(tree: Tree): PublishedSurface {
  const files = new Map<string, string>();
  const exportsMap = new Map<string, string>();
  const generated = tree.list('generated');
  const manifests = [
    'package.json',
    ...tree.list('packages').filter((p) => /^packages\/[^/]+\/package\.json$/.test(p)),
  ];
  for (const manifestPath of manifests) {
    const text = tree.read(manifestPath);
    if (!text) continue;
    const pkg = JSON.parse(text) as {
      name: string;
      private?: boolean;
      files?: string[];
      exports?: Record<string, unknown>;
      scripts?: Record<string, string>;
    };
    if (pkg.private) continue;
    const dir = manifestPath === 'package.json' ? '' : manifestPath.slice(0, -'package.json'.length);
    const shipped = new Map<string, string>(); // path in the package -> file in the repository
    const patterns = (pkg.files ?? []).map(glob);
    for (const f of dir ? tree.list(dir.slice(0, -1)) : [...generated]) {
      const inPackage = f.slice(dir.length);
      if (patterns.some((re) => re.test(inPackage))) shipped.set(inPackage, f);
    }
    // What the build copies into a workspace's dist/ (scripts/packages.ts)
    if (dir && pkg.scripts?.prepack?.includes('scripts/packages.ts')) {
      for (const [inPackage, source] of copiedFromGenerated(dir.slice('packages/'.length, -1), generated))
        shipped.set(inPackage, source);
    }
    for (const [inPackage, source] of shipped) files.set(`${pkg.name}/${inPackage}`, source);
    for (const [key, target] of Object.entries(pkg.exports ?? {})) {
      const to =
        typeof target === 'string'
          ? target
          : ((target as Record<string, string>).default ?? (target as Record<string, string>).import ?? '');
      const specifier = (sub: string) => (sub === '.' ? pkg.name : `${pkg.name}/${sub.slice(2)}`);
      if (!key.includes('*')) {
        exportsMap.set(specifier(key), shipped.get(to.slice(2)) ?? '');
        continue;
      }
      const re = new RegExp(
        `^${to
          .slice(2)
          .replace(/[.+^${}()|[\]\\]/g, '\\$&')
          .replace('*', '(.+)')}$`,
      );
      for (const [inPackage, source] of shipped) {
        const m = re.exec(inPackage);
        if (m) exportsMap.set(specifier(key.replace('*', m[1]!)), source);
      }
    }
  }
  return { files, exports: exportsMap };
}

export interface SurfaceVerdict {
  readonly kind: 'exports path' | 'published file';
  /** The specifier, or `<package>/<path in the package>`. */
  readonly path: string;
  /** Where the same description is published now, if it is one. */
  readonly successor: string | undefined;
}

/**
 * The exports paths and published files at `then` that `now` no longer has (a published file only when no exports path
 * reached it).
 */
function removedFrom(
  then: PublishedSurface,
  now: PublishedSurface,
  keyOf: (source: string) => string | undefined,
  successorOf: (key: string, ext: 'yaml' | 'json') => string | undefined,
): SurfaceVerdict[] {
  const out: SurfaceVerdict[] = [];
  const exported = new Set(then.exports.values());
  const successor = (source: string) => {
    const ext = /\.(yaml|json)$/.exec(source)?.[1];
    const key = ext ? keyOf(source) : undefined;
    return key === undefined ? undefined : successorOf(key, ext as 'yaml' | 'json');
  };
  for (const [specifier, source] of then.exports)
    if (!now.exports.has(specifier)) out.push({ kind: 'exports path', path: specifier, successor: successor(source) });
  for (const [file, source] of then.files)
    if (!now.files.has(file) && !exported.has(source))
      out.push({ kind: 'published file', path: file, successor: successor(source) });
  return out;
}

/** Compares every published description under `root` (default: this checkout) with its predecessor at `ref`. */
export async function diffAgainst(
  ref: string,
  root = repoRoot,
): Promise<{ descriptions: FileVerdict[]; removed: SurfaceVerdict[] | undefined }> {
  git(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
  const scratch = mkdtempSync(join(tmpdir(), 'rd-diff-'));
  try {
    const nowTree = folderTree(root);
    const thenTree = gitTree(ref);
    const now = descriptionsOf(nowTree);
    const then = descriptionsOf(thenTree);
    const compare = async ([key, path]: [string, string]): Promise<FileVerdict> => {
      const before = then.get(key);
      if (before === undefined) return { path, key, status: 'new', report: '' };
      const base = join(scratch, before);
      mkdirSync(dirname(base), { recursive: true });
      writeFileSync(base, thenTree.read(before)!);
      const { breaking, report } = await compareDescription(base, join(root, path));
      return { path, key, predecessor: before, status: breaking ? 'breaking' : 'unchanged-or-compatible', report };
    };
    const descriptions: FileVerdict[] = [];
    const entries = [...now];
    // Two optic processes at a time.
    for (let i = 0; i < entries.length; i += 2)
      descriptions.push(...(await Promise.all(entries.slice(i, i + 2).map(compare))));
    for (const [key, path] of then) if (!now.has(key)) descriptions.push({ path, key, status: 'removed', report: '' });
    // The packages' files and exports paths: only where `root` has the manifests to read them from.
    let removed: SurfaceVerdict[] | undefined;
    if (existsSync(join(root, 'package.json'))) {
      const nowSurface = surfaceOf(nowTree);
      const keyAt = new Map<string, string | undefined>();
      const keyOf = (source: string) => {
        if (!keyAt.has(source))
          keyAt.set(source, descriptionKey(thenTree.read(source.replace(/\.json$/, '.yaml')) ?? ''));
        return keyAt.get(source);
      };
      // The description's path now (its YAML; the JSON twin beside it), and the exports path that publishes it.
      const successorOf = (key: string, ext: 'yaml' | 'json') => {
        const path = now.get(key)?.replace(/\.yaml$/, `.${ext}`);
        return path === undefined ? undefined : [...nowSurface.exports].find(([, source]) => source === path)?.[0];
      };
      removed = removedFrom(surfaceOf(thenTree), nowSurface, keyOf, successorOf);
    }
    return { descriptions, removed };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** The command: returns the exit status. `root` holds the descriptions to check (default: this checkout). */
export async function main(
  argv: string[],
  root = repoRoot,
  write = (s: string) => void process.stdout.write(s),
): Promise<number> {
  const ref = argv[0];
  if (!ref || argv.length > 1 || ref.startsWith('-')) {
    process.stderr.write(
      'usage: npm run diff -- <git ref>   (compares the published descriptions and packages with those at <git ref>)\n',
    );
    return 2;
  }
  let result: Awaited<ReturnType<typeof diffAgainst>>;
  try {
    result = await diffAgainst(ref, root);
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    return 2;
  }
  const { descriptions, removed } = result;
  for (const v of descriptions) {
    const was = v.predecessor && v.predecessor !== v.path ? ` (was ${v.predecessor})` : '';
    const what =
      v.status === 'unchanged-or-compatible'
        ? `no breaking change${was}`
        : v.status === 'new'
          ? `new since ${ref}`
          : v.status === 'removed'
            ? `published at ${ref}, gone now`
            : `breaking change${was}`;
    write(`${v.status === 'breaking' || v.status === 'removed' ? 'BREAKING' : 'ok'}  ${v.path} [${v.key}]: ${what}\n`);
    if (v.status === 'breaking') write(v.report.replace(/^/gm, '    ') + '\n');
  }
  for (const r of removed ?? [])
    write(
      `BREAKING  ${r.kind} ${r.path}: published at ${ref}, gone` +
        ` now${r.successor ? ` (the same description: ${r.successor})` : ''}\n`,
    );
  const broken = descriptions.filter((v) => v.status === 'breaking' || v.status === 'removed');
  write(
    `${descriptions.length} descriptions compared with ${ref}:` +
      ` ${broken.length ? `${broken.length} with a breaking change` : 'no breaking change'}\n`,
  );
  if (removed === undefined) write(`no package.json under ${root}: published files and exports paths not compared\n`);
  else
    write(
      `published files and exports paths compared with ${ref}:` +
        ` ${removed.length ? `${removed.length} removed` : 'none removed'}\n`,
    );
  return broken.length || removed?.length ? 1 : 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e) => {
      process.stderr.write(`${(e as Error).stack}\n`);
      process.exit(2);
    },
  );
}
