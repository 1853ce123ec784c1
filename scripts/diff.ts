/**
 * `npm run diff -- <git ref>`: the breaking-change check for contract reviewers. Compares every published description
 * (generated/<Product>-<version>/openapi.yaml and actions/<Action>.yaml, both APIs) with the same file at <git ref>
 * (read with `git show <ref>:<path>` into a temporary folder) using @useoptic/optic's `optic diff --check` (its
 * standard breaking-change rules), and prints optic's report per file.
 *
 * Exit status: 0 when no file has a breaking change; 1 when one has (optic's check failed, or a description published
 * at <ref> is gone); 2 on a usage error or when optic could not run. A file new since <ref> has nothing to break: listed
 * as new. Only the YAML twins are compared: each JSON file is the same document (`npm run build` writes both).
 *
 * Optic's telemetry is turned off (OPTIC_TELEMETRY_LEVEL=off); it needs no network for a local diff.
 */
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { pathToFileURL } from 'node:url';
import { repoRoot } from './paths.js';

const run = promisify(execFile);
const opticBin = join(repoRoot, 'node_modules', '.bin', 'optic');

/** A published description, relative to the repository root. */
export const PUBLISHED_DESCRIPTION = /^generated\/[A-Za-z]+-\d{4}-\d{2}-\d{2}\/(?:openapi|actions\/[A-Za-z0-9]+)\.yaml$/;

export interface FileVerdict {
  /** The path relative to the repository root. */
  readonly path: string;
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
    const { stdout, stderr } = await run(opticBin, ['diff', base, head, '--check'], { env, cwd: dirname(head), maxBuffer: 64 * 1024 * 1024 });
    return { breaking: false, report: stdout + stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string; message: string };
    if (err.code === 1 && /breaking change|Checks: \d+\/\d+ passed/.test(err.stdout ?? '')) return { breaking: true, report: (err.stdout ?? '') + (err.stderr ?? '') };
    throw new Error(`optic could not compare ${base} and ${head}: ${err.message}\n${err.stdout ?? ''}${err.stderr ?? ''}`);
  }
}

const git = (args: string[]): string => execFileSync('git', args, { cwd: repoRoot, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });

/** The published descriptions under `root`'s generated/ (as `npm run build` wrote them). */
export function publishedIn(root: string): string[] {
  const out: string[] = [];
  const generated = join(root, 'generated');
  for (const api of readdirSync(generated, { withFileTypes: true })) {
    if (!api.isDirectory()) continue;
    out.push(`generated/${api.name}/openapi.yaml`);
    const actions = join(generated, api.name, 'actions');
    if (existsSync(actions)) for (const f of readdirSync(actions)) out.push(`generated/${api.name}/actions/${f}`);
  }
  return out.filter((p) => PUBLISHED_DESCRIPTION.test(p) && existsSync(join(root, p))).sort();
}

/** The published descriptions at `ref`. */
export function publishedAt(ref: string): string[] {
  return git(['ls-tree', '-r', '--name-only', ref, 'generated']).split('\n').filter((p) => PUBLISHED_DESCRIPTION.test(p)).sort();
}

/** Compares every published description under `root` (default: this checkout) with the same file at `ref` of this repository. */
export async function diffAgainst(ref: string, root = repoRoot): Promise<FileVerdict[]> {
  git(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
  const scratch = mkdtempSync(join(tmpdir(), 'rd-diff-'));
  try {
    const now = publishedIn(root);
    const then = new Set(publishedAt(ref));
    const compare = async (path: string): Promise<FileVerdict> => {
      if (!then.has(path)) return { path, status: 'new', report: '' };
      const base = join(scratch, path);
      mkdirSync(dirname(base), { recursive: true });
      writeFileSync(base, git(['show', `${ref}:${path}`]));
      const { breaking, report } = await compareDescription(base, join(root, path));
      return { path, status: breaking ? 'breaking' : 'unchanged-or-compatible', report };
    };
    const verdicts: FileVerdict[] = [];
    // Two optic processes at a time.
    for (let i = 0; i < now.length; i += 2) verdicts.push(...(await Promise.all(now.slice(i, i + 2).map(compare))));
    for (const path of then) if (!now.includes(path)) verdicts.push({ path, status: 'removed', report: '' });
    return verdicts;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** The command: returns the exit status. `root` holds the descriptions to check (default: this checkout). */
export async function main(argv: string[], root = repoRoot, write = (s: string) => void process.stdout.write(s)): Promise<number> {
  const ref = argv[0];
  if (!ref || argv.length > 1 || ref.startsWith('-')) {
    process.stderr.write('usage: npm run diff -- <git ref>   (compares generated/*/openapi.yaml and actions/*.yaml with those at <git ref>)\n');
    return 2;
  }
  let verdicts: FileVerdict[];
  try {
    verdicts = await diffAgainst(ref, root);
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    return 2;
  }
  for (const v of verdicts) {
    write(`${v.status === 'breaking' || v.status === 'removed' ? 'BREAKING' : 'ok'}  ${v.path}: ${v.status === 'unchanged-or-compatible' ? 'no breaking change' : v.status === 'new' ? `new since ${ref}` : v.status === 'removed' ? `published at ${ref}, gone now` : 'breaking change'}\n`);
    if (v.status === 'breaking') write(v.report.replace(/^/gm, '    ') + '\n');
  }
  const broken = verdicts.filter((v) => v.status === 'breaking' || v.status === 'removed');
  write(`${verdicts.length} descriptions compared with ${ref}: ${broken.length ? `${broken.length} with a breaking change` : 'no breaking change'}\n`);
  return broken.length ? 1 : 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main(process.argv.slice(2)).then((code) => process.exit(code), (e) => {
    process.stderr.write(`${(e as Error).stack}\n`);
    process.exit(2);
  });
}
