// Every published description (each API's full description and every per-action description) passes the ecosystem's
// own validators with their default configurations and no project config: Spectral `spectral:oas`, Redocly CLI
// `recommended`, @apidevtools/swagger-parser and @readme/openapi-parser: zero errors, zero warnings.
// And the per-action descriptions are what generators need: one path `/`, POST and GET, the same components, published.
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import SwaggerParser from '@apidevtools/swagger-parser';
import { validate as readmeValidate } from '@readme/openapi-parser';
import { afterAll, describe, expect, it } from 'vitest';
import { derefDeep, localLookup } from '../../scripts/contract/deref.js';
import { apiEntries, repoRoot, type Json } from '../helpers/contract.js';

const run = promisify(execFile);
const env = { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1' };
const bin = (name: string) => join(repoRoot, 'node_modules', '.bin', name);

const actionsDir = (folder: string) => join(repoRoot, 'generated', folder, 'actions');
const perAction = apiEntries.flatMap((a) =>
  readdirSync(actionsDir(a.folder))
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => join(actionsDir(a.folder), f)),
);
const full = apiEntries.map((a) => join(repoRoot, 'generated', a.folder, 'openapi.yaml'));
const published = [...full, ...perAction];
const jsonTwin = (yamlFile: string) => yamlFile.replace(/\.yaml$/, '.json');
const rel = (f: string) => relative(repoRoot, f);

// A temporary folder with the tools' default rulesets and nothing of the project's.
const scratch = mkdtempSync(join(tmpdir(), 'rd-ecosystem-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
writeFileSync(join(scratch, '.spectral.yaml'), 'extends: ["spectral:oas"]\n');
writeFileSync(join(scratch, 'redocly.yaml'), 'extends: [recommended]\n');

async function runTool(file: string, args: string[]) {
  try {
    const { stdout, stderr } = await run(file, args, { env, cwd: scratch, maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

describe("the published descriptions in the ecosystem's validators", () => {
  it('there are per-action descriptions for every API', () => {
    expect(apiEntries.length).toBeGreaterThan(1);
    for (const a of apiEntries) expect(readdirSync(actionsDir(a.folder)).length, a.folder).toBeGreaterThan(0);
  });

  it('Spectral (extends spectral:oas): no errors, no warnings, no hints', async () => {
    const { stdout, stderr } = await runTool(bin('spectral'), [
      'lint',
      '-r',
      join(scratch, '.spectral.yaml'),
      '-f',
      'json',
      '--quiet',
      ...published,
    ]);
    const results = JSON.parse(stdout.slice(stdout.indexOf('['))) as {
      code: string;
      message: string;
      source: string;
      path: string[];
    }[];
    expect(
      results.map((r) => `${rel(r.source)} ${r.path.join('.')}: ${r.code} ${r.message}`),
      stderr,
    ).toEqual([]);
  }, 120_000);

  it('Spectral finds a broken example (so the check above can fail)', async () => {
    const doc: Json = JSON.parse(readFileSync(jsonTwin(perAction[0]!), 'utf8'));
    const media = Object.values<Json>(doc.paths['/'].post.responses['200'].content)[0];
    const example = Object.values<Json>(media.examples)[0];
    example.value = { RequestId: 12 };
    const broken = join(scratch, 'broken.json');
    writeFileSync(broken, JSON.stringify(doc));
    const { stdout } = await runTool(bin('spectral'), [
      'lint',
      '-r',
      join(scratch, '.spectral.yaml'),
      '-f',
      'json',
      '--quiet',
      broken,
    ]);
    expect(stdout).toContain('oas3-valid-media-example');
  }, 60_000);

  it('Redocly CLI (default recommended config): valid, no warnings', async () => {
    const { code, stdout, stderr } = await runTool(bin('redocly'), [
      'lint',
      ...published,
      '--config',
      join(scratch, 'redocly.yaml'),
      '--format',
      'stylish',
    ]);
    const out = stdout + stderr;
    expect(code, out).toBe(0);
    expect(out).not.toMatch(/^\s*\d+:\d+\s+(warning|error)\b/m);
    // Redocly names each file relative to the working directory: compare by the path inside the repository.
    for (const f of published)
      expect(out).toMatch(new RegExp(`${rel(f).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: validated`));
  }, 120_000);

  it.each(published.flatMap((f) => [f, jsonTwin(f)]).map(rel))(
    '%s: swagger-parser and @readme/openapi-parser validate it with no warnings',
    async (file) => {
      await expect(SwaggerParser.validate(join(repoRoot, file))).resolves.toBeTruthy();
      const result = await readmeValidate(join(repoRoot, file));
      expect(result).toMatchObject({ valid: true, warnings: [] });
    },
  );
});

describe('per-action descriptions', () => {
  it.each(perAction.map(rel))(
    "%s: one path /, the action as POST and GET, the full description's responses with their schemas inline, its" +
      ' components for what it uses',
    (file) => {
      const doc: Json = JSON.parse(readFileSync(jsonTwin(join(repoRoot, file)), 'utf8'));
      const folder = file.split('/')[1]!;
      const fullDoc: Json = JSON.parse(readFileSync(join(repoRoot, 'generated', folder, 'openapi.json'), 'utf8'));
      const action = file.replace(/^.*\/(\w+)\.yaml$/, '$1');
      expect(Object.keys(doc.paths)).toEqual(['/']);
      expect(Object.keys(doc.paths['/']).sort()).toEqual(['get', 'post']);
      expect(doc.paths['/'].post.operationId).toBe(action);
      expect(doc.paths['/'].get.operationId).toBe(`${action}Get`);
      const fullOp = fullDoc.paths[`/#Action=${action}`].post;
      // The same responses, each operation with its own copy of every schema (no schema reference between them).
      expect(derefDeep(doc.paths['/'].post.responses, localLookup(doc))).toEqual(
        derefDeep(fullOp.responses, localLookup(fullDoc)),
      );
      for (const method of ['post', 'get']) {
        for (const response of Object.values<Json>(doc.paths['/'][method].responses)) {
          for (const media of Object.values<Json>(response.content ?? {}))
            expect(JSON.stringify(media.schema), `${method} schema`).not.toContain('"$ref"');
        }
      }
      const names = (d: Json) =>
        d.parameters.map((p: Json) => (p.$ref ? fullDoc.components.parameters[p.$ref.split('/').pop()].name : p.name));
      expect(names(doc.paths['/'].post)).toEqual(names(fullOp));
      for (const [kind, entries] of Object.entries<Json>(doc.components)) {
        for (const [name, value] of Object.entries(entries))
          expect(value, `${kind}/${name}`).toEqual(fullDoc.components[kind][name]);
      }
      expect(doc.info.description).toContain('per-action description');
      expect(doc.info.description).toContain("reviewer's view");
      expect(doc.info.description).toContain(`POST /?Action=${action}&Version=${fullDoc.info.version}`);
    },
  );

  it('the full descriptions point code generators to them and claim nothing false about generic generators', () => {
    for (const f of full) {
      const text = readFileSync(f, 'utf8');
      expect(text).toContain('actions/<ActionName>.yaml');
      expect(text).not.toMatch(/generator[^.]*still sends/);
    }
  });

  it('are published: the contract package exports each one, from the dist/ folder it ships', () => {
    const pkg = JSON.parse(readFileSync(join(repoRoot, 'packages', 'contract', 'package.json'), 'utf8')) as {
      exports: Record<string, string>;
      files: string[];
    };
    expect(pkg.files).toContain('dist');
    for (const a of apiEntries) {
      for (const file of readdirSync(join(repoRoot, 'generated', a.folder, 'actions'))) {
        const ext = file.slice(file.lastIndexOf('.'));
        expect(pkg.exports[`./*${ext}`], file).toBe(`./dist/*${ext}`);
      }
    }
  });
});
