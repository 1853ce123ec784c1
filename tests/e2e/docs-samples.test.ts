// The docs' code samples are real, for every API and every case they show (the required parameters alone,
// EnableMode=NewManagementAccount, DryRun=true on 2022-04-19): the wire requests, read by the shell as a reader pastes
// them, go to the API's endpoint with its Version and carry signatures the official signer (@alicloud/openapi-core)
// agrees with, and the mock, verifying signatures at the samples' own time, answers them 200; the TypeScript samples
// type-check against this package's client and Alibaba's official SDK (2020-03-31) or generic call (2022-04-19).
// An e2e test: each type-check runs the TypeScript compiler over the client's sources or the SDK's (15-30 s on a
// 2-core machine).
import { execFileSync } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { startMock } from '../helpers/mock.js';
import { apiIdentity, listOperations, type CodeSample } from '../../scripts/docs/contract.js';
import { EXAMPLE_ACCESS_KEY_SECRET } from '../../scripts/docs/code-samples.js';
import { docsDescription } from '../../scripts/docs/description.js';
import { EnglishTranslator } from '../../scripts/docs/i18n.js';
import { loadDocsSite } from '../../scripts/gen-30-docs.js';
import { repoRoot } from '../../scripts/paths.js';

interface OfficialUtil {
  getAuthorization(
    request: { method: string; pathname: string; query: Record<string, string>; headers: Record<string, string> },
    signatureAlgorithm: string,
    payload: string,
    accessKeyId: string,
    accessKeySecret: string,
  ): string;
  getRPCSignature(signedParams: Record<string, string>, method: string, secret: string): string;
}
const require = createRequire(import.meta.url);
const OpenApiUtil: OfficialUtil = require('@alicloud/openapi-core').OpenApiUtil;

const site = loadDocsSite();
/** Every case of every action of every API: its four samples (classic curl, ACS3 curl, client, SDK), in that order. */
const samples = site.apis.flatMap((api) => {
  const { url, version } = apiIdentity(api.contract);
  return listOperations(docsDescription(api, site.apis, new EnglishTranslator())).flatMap(({ operation }) => {
    const all = (operation['x-codeSamples'] ?? []) as CodeSample[];
    return Array.from({ length: all.length / 4 }, (_, i) => {
      const [classic, acs3, client, sdk] = all.slice(4 * i, 4 * i + 4);
      const caseName = classic.label.split(' · ')[1] ?? '';
      return {
        api: api.id,
        url,
        version,
        action: operation.operationId,
        caseName,
        classic: classic.source,
        acs3: acs3.source,
        client: client.source,
        sdk: sdk.source,
      };
    });
  });
});
/** A file name for a sample: the API's folder, the action and the case. */
const sampleFile = (s: (typeof samples)[number], kind: string, ext: string) => {
  const caseName = s.caseName ? `.${s.caseName.replace(/[^A-Za-z0-9]+/g, '-')}` : '';
  return `${s.api.replace('/', '-')}.${s.action}${caseName}.${kind}.${ext}`;
};

/** Method, URL and headers of a `curl -X METHOD 'URL' -H 'name: value' ...` sample, as the shell reads it. */
function parseCurl(source: string): { method: string; url: URL; headers: Record<string, string> } {
  const printArgs = 'curl() { for a in "$@"; do printf \'%s\\0\' "$a"; done; }\n';
  const argv = execFileSync('sh', ['-c', printArgs + source], { encoding: 'utf8' })
    .split('\0')
    .slice(0, -1);
  let method = '';
  let url = '';
  const headers: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '-X') method = argv[++i];
    else if (argv[i] === '-H') {
      const [name, ...value] = argv[++i].split(': ');
      headers[name] = value.join(': ');
    } else if (url) throw new Error(`a second URL in the sample: ${argv[i]}`);
    else url = argv[i];
  }
  return { method, url: new URL(url), headers };
}

/** Sends a sample's request to a server at `port`, with the sample's Host (the ACS3 signature covers it). */
function send(
  port: number,
  { method, url, headers }: ReturnType<typeof parseCurl>,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        method,
        path: `${url.pathname}${url.search}`,
        headers: { ...headers, host: url.host },
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode!, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('the samples', () => {
  it('cover NewManagementAccount on both APIs and DryRun=true on 2022-04-19 only, and keep every line short', () => {
    const cases = samples.filter((s) => s.action === 'EnableResourceDirectory').map((s) => `${s.api} ${s.caseName}`);
    expect(cases).toEqual([
      'ResourceManager/2020-03-31 ',
      'ResourceManager/2020-03-31 EnableMode=NewManagementAccount',
      'ResourceDirectoryMaster/2022-04-19 ',
      'ResourceDirectoryMaster/2022-04-19 EnableMode=NewManagementAccount',
      'ResourceDirectoryMaster/2022-04-19 DryRun=true',
    ]);
    const nma = samples.find((s) => s.caseName === 'EnableMode=NewManagementAccount')!;
    for (const parameter of ['EnableMode=NewManagementAccount', 'MAName=', 'MASecureMobilePhone=', 'VerificationCode='])
      expect(nma.classic).toContain(parameter);
    expect(samples.find((s) => s.caseName === 'DryRun=true')!.client).toContain('DryRun: true');
    for (const s of samples) {
      for (const line of [s.classic, s.acs3].join('\n').split('\n')) expect(line.length, line).toBeLessThanOrEqual(120);
    }
  });
});

describe.each(samples.map((s) => [`${s.api} ${s.action} ${s.caseName}`, s] as const))(
  'the %s samples',
  (_name, sample) => {
    it(
      'classic form: the Signature is the one the official signer computes (HMAC-SHA1, testid/testsecret), sent to' +
        ' the API’s endpoint with its Version',
      () => {
        const { method, url } = parseCurl(sample.classic);
        const params = Object.fromEntries(url.searchParams);
        const { Signature, ...signed } = params;
        expect(`${url.origin}/`).toBe(sample.url);
        expect(signed.Action).toBe(sample.action);
        expect(signed.Version).toBe(sample.version);
        expect(signed.AccessKeyId).toBe('testid');
        expect(Signature).toBe(OpenApiUtil.getRPCSignature(signed, method, EXAMPLE_ACCESS_KEY_SECRET));
      },
    );

    it('ACS3 form: the Authorization header is the one the official signer computes', () => {
      const { method, url, headers } = parseCurl(sample.acs3);
      const { Authorization, ...signedHeaders } = headers;
      const official = OpenApiUtil.getAuthorization(
        {
          method,
          pathname: url.pathname,
          query: Object.fromEntries(url.searchParams),
          headers: { host: url.host, ...signedHeaders },
        },
        'ACS3-HMAC-SHA256',
        signedHeaders['x-acs-content-sha256'],
        'testid',
        EXAMPLE_ACCESS_KEY_SECRET,
      );
      expect(url.searchParams.has('Action')).toBe(false);
      expect(`${url.origin}/`).toBe(sample.url);
      expect(signedHeaders['x-acs-version']).toBe(sample.version);
      expect(Authorization).toBe(official);
    });

    it(
      'are answered 200 by the mock verifying signatures (testid/testsecret) at the time they were' + ' signed',
      async () => {
        for (const [form, time] of [
          [parseCurl(sample.classic), (r: ReturnType<typeof parseCurl>) => r.url.searchParams.get('Timestamp')!],
          [parseCurl(sample.acs3), (r: ReturnType<typeof parseCurl>) => r.headers['x-acs-date']!],
        ] as const) {
          const mock = await startMock({
            verifySignatures: true,
            accessKeys: { testid: EXAMPLE_ACCESS_KEY_SECRET },
            now: () => Date.parse(time(form)),
          });
          try {
            const answer = await send(mock.port, form);
            expect(answer.status, answer.body).toBe(200);
            expect(JSON.parse(answer.body)).toHaveProperty('RequestId');
            expect(mock.problems).toEqual([]);
            // The same request with another value than the one signed is refused: the signature is what is checked.
            const tampered = { ...form, url: new URL(form.url.href.replace(/(Version|EnableMode)=/, '$1=x')) };
            if (tampered.url.href !== form.url.href) expect((await send(mock.port, tampered)).status).not.toBe(200);
          } finally {
            await mock.close();
          }
        }
      },
    );
  },
);

// --- Type-checking the TypeScript samples ------------------------------------------------------------------

/** Type errors of in-memory source files (placed in the repository, so that its node_modules resolve). */
function typeErrors(files: Record<string, string>, options: ts.CompilerOptions): string[] {
  const paths = new Map(Object.entries(files).map(([name, text]) => [join(repoRoot, '.docs-samples', name), text]));
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists, readFile } = host;
  host.fileExists = (file) => paths.has(file) || fileExists.call(host, file);
  host.readFile = (file) => paths.get(file) ?? readFile.call(host, file);
  host.getSourceFile = (file, language, ...rest) =>
    paths.has(file)
      ? ts.createSourceFile(file, paths.get(file)!, language)
      : getSourceFile.call(host, file, language, ...rest);
  const program = ts.createProgram([...paths.keys()], options, host);
  return ts
    .getPreEmitDiagnostics(program)
    .filter((d) => d.file && paths.has(d.file.fileName))
    .map(
      (d) => `${d.file!.fileName.slice(repoRoot.length + 1)}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`,
    );
}

const common: ts.CompilerOptions = {
  strict: true,
  noEmit: true,
  skipLibCheck: true,
  types: ['node'],
  target: ts.ScriptTarget.ES2022,
};

describe.each(site.apis.map((api) => [api.id] as const))('the TypeScript samples of %s', (id) => {
  const ofApi = samples.filter((s) => s.api === id);

  it('are there, for every action and case', () => {
    const actions = listOperations(site.apis.find((api) => api.id === id)!.contract).map(
      ({ operation }) => operation.operationId,
    );
    expect(ofApi.filter((s) => !s.caseName).map((s) => s.action)).toEqual(actions);
    expect(ofApi.length).toBeGreaterThan(actions.length);
  });

  it('type-check against this package’s client (ESM, top-level await)', () => {
    const files = Object.fromEntries(ofApi.map((s) => [sampleFile(s, 'client', 'mts'), s.client]));
    const errors = typeErrors(files, {
      ...common,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      paths: {
        '@rd-contract/client': [join(repoRoot, 'packages', 'client', 'src', 'index.ts')],
        '@rd-contract/contract': [join(repoRoot, 'generated', 'contract.ts')],
      },
    });
    expect(errors).toEqual([]);
  }, 60_000);

  it(
    'type-check against the official SDK @alicloud/resourcemanager20200331 or the generic call of' +
      ' @alicloud/openapi-core (CommonJS, as Alibaba Cloud writes them)',
    () => {
      const files = Object.fromEntries(ofApi.map((s) => [sampleFile(s, 'sdk', 'ts'), s.sdk]));
      const errors = typeErrors(files, {
        ...common,
        module: ts.ModuleKind.CommonJS,
        moduleResolution: ts.ModuleResolutionKind.Node10,
        esModuleInterop: true,
      });
      expect(errors).toEqual([]);
    },
    60_000,
  );
});
