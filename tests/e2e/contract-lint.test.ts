// `redocly lint` passes on the published description (generated/<Product>-<version>/openapi.yaml: the source as the
// build assembles it), and the project's own rules (scripts/redocly-plugin.js) catch what they are for.
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { bundleContract } from '../../scripts/contract/bundle.js';
import { apiEntries, repoRoot, type Json } from '../helpers/contract.js';

const run = promisify(execFile);
const redocly = join(repoRoot, 'node_modules', '.bin', 'redocly');
const env = { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1' };

async function lint(root: string, config = join(repoRoot, 'redocly.yaml')) {
  try {
    const { stdout, stderr } = await run(redocly, ['lint', root, '--config', config, '--format', 'stylish'], {
      env,
      cwd: repoRoot,
    });
    return { code: 0, out: stdout + stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, out: err.stdout + err.stderr };
  }
}

const scratch = mkdtempSync(join(tmpdir(), 'rd-lint-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('redocly lint', () => {
  it.each(apiEntries.map((a) => a.folder))('passes on %s with no errors and no warnings', async (folder) => {
    const { code, out } = await lint(join(repoRoot, 'generated', folder, 'openapi.yaml'));
    expect(code, out).toBe(0);
    expect(out).toContain('Your API description is valid');
    expect(out).not.toMatch(/^\s*\d+:\d+\s+(warning|error)\b/m);
  });

  it(
    "passes on the description of the mock's control routes (generated/control/openapi.yaml) with no errors and no" +
      ' warnings',
    async () => {
      const { code, out } = await lint(join(repoRoot, 'generated', 'control', 'openapi.yaml'));
      expect(code, out).toBe(0);
      expect(out).toContain('Your API description is valid');
      expect(out).not.toMatch(/^\s*\d+:\d+\s+(warning|error)\b/m);
    },
  );

  it("the contract's own rules catch broken conventions", async () => {
    const copy = join(scratch, 'openapi');
    cpSync(join(repoRoot, 'openapi'), copy, { recursive: true });
    const edit = (rel: string, from: string | RegExp, to: string) => {
      const file = join(copy, rel);
      const text = readFileSync(file, 'utf8');
      const next = text.replace(from, to);
      expect(next, `${rel}: ${String(from)}`).not.toBe(text);
      writeFileSync(file, next);
    };
    edit('components/examples/SignatureDoesNotMatch.yaml', 'Code: SignatureDoesNotMatch', 'Code: Other');
    edit('paths/GetResourceDirectory.yaml', 'CreateTime: "2019-02-18T15:32:10.473Z"', 'CreateTime: 12');
    edit(
      'components/schemas/GetResourceDirectoryResult.yaml',
      '    description: The ID of the resource directory.\n',
      '',
    );
    edit('components/parameters/DryRun.yaml', /^example: false\n/m, '');
    edit(
      'paths/SendVerificationCodeForEnableRD.yaml',
      'operationId: SendVerificationCodeForEnableRD',
      'operationId: sendVerificationCode',
    );
    // Provenance: an error code without sources, a label outside the vocabulary, a built sample labelled as a seed's.
    edit(
      'paths/GetResourceDirectory.yaml',
      "              x-acs-sources:\n                - 'seed:004'\n                -" +
        " 'research:wire-protocol#responses'\n",
      '',
    );
    edit('components/parameters/Format.yaml', '"research:wire-protocol#responses"', '"research:notes#responses"');
    edit(
      'components/parameters/MAName.yaml',
      'summary: International site form (`<Prefix>`; built by the contract)',
      'summary: International site form (seed 000)',
    );
    // What the build adds (XML twins, the gateway's errors) is broken in the assembled document itself.
    // The first API's document gets the edits to what the build adds; DryRun is only in the second API's.
    const [first, ...others] = bundleContract(join(copy, 'openapi.yaml')).map((d) => d.doc as Json);
    const bundled: Json = first;
    const init =
      bundled.paths['/#Action=InitResourceDirectory'].post.responses['200'].content['text/xml'].examples
        .internationalSite;
    init.value = init.value.replace('<RootFolderId>r-Zo****</RootFolderId>', '<RootFolderId><a>1</a></RootFolderId>');
    const enable400 = bundled.paths['/#Action=EnableResourceDirectory'].post.responses['400'].content;
    delete enable400['application/json'].examples.Throttling;
    delete enable400['text/xml'].examples.Throttling;
    delete bundled.paths['/#Action=GetResourceDirectory'].post.responses['404'].content['text/xml'].examples
      .ResourceDirectoryNotInUse;
    const results = await Promise.all(
      [bundled, ...others].map((doc, i) => {
        const file = join(scratch, `assembled-${i}.yaml`);
        writeFileSync(file, stringify(doc, { lineWidth: 0, aliasDuplicateObjects: false }));
        return lint(file);
      }),
    );
    const out = results.map((r) => r.out).join('\n');
    expect(results.map((r) => r.code)).not.toContain(0);
    expect(out).toContain('Error example "SignatureDoesNotMatch" must be named after its Code ("Other")');
    expect(out).toMatch(/Example "internationalSite" does not match its schema: .*CreateTime must be string/);
    expect(out).toMatch(/Example "internationalSite" does not match its schema: .*RootFolderId must be string/);
    expect(out).toContain('Property ResourceDirectoryId needs a description.');
    expect(out).toContain('Parameter DryRun needs an example.');
    expect(out).toContain('operationId "sendVerificationCode" must be the PascalCase action name.');
    expect(out).toContain('must carry the gateway error Throttling on 400');
    expect(out).toContain('must exist in every media type (JSON and XML twins)');
    expect(out).toContain('example ResourceDirectoryNotInUse says nowhere where it comes from (x-acs-sources).');
    expect(out).toContain('"research:notes#responses" is not a source');
    expect(out).toContain(
      '"International site form (seed 000)" has an inference among its sources: its summary must say it is built by' +
        ' the contract.',
    );
  });
});
