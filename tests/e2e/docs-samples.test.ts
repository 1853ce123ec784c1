// The docs' code samples are real, for every API: the wire requests go to the API's endpoint with its Version and
// carry signatures the official signer (@alicloud/openapi-core) agrees with, and the TypeScript samples type-check
// against this package's client and Alibaba's official SDK (2020-03-31) or generic call (2022-04-19). An e2e test:
// each type-check runs the TypeScript compiler over the client's sources or the SDK's (15-30 s on a 2-core machine).
import { createRequire } from 'node:module';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
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
const samples = site.apis.flatMap((api) => {
  const { url, version } = apiIdentity(api.contract);
  return listOperations(docsDescription(api, site.apis, new EnglishTranslator())).map(({ operation }) => {
    const [classic, acs3, client, sdk] = (operation['x-codeSamples'] ?? []) as CodeSample[];
    return { api: api.id, url, version, action: operation.operationId, classic: classic.source, acs3: acs3.source, client: client.source, sdk: sdk.source };
  });
});
/** A file name for a sample: the API's folder and the action. */
const sampleFile = (s: (typeof samples)[number], kind: string, ext: string) => `${s.api.replace('/', '-')}.${s.action}.${kind}.${ext}`;

/** Method, URL and headers of a `curl -X METHOD 'URL' -H 'name: value' ...` sample. */
function parseCurl(source: string): { method: string; url: URL; headers: Record<string, string> } {
  const [, method, url] = /^curl -X (\w+) '([^']+)'/.exec(source) ?? [];
  const headers = Object.fromEntries([...source.matchAll(/-H '([^:]+): ([^']*)'/g)].map(([, name, value]) => [name, value]));
  return { method, url: new URL(url), headers };
}

describe.each(samples.map((s) => [`${s.api} ${s.action}`, s] as const))('the %s samples', (_name, sample) => {
  it('classic form: the Signature is the one the official signer computes (HMAC-SHA1, testid/testsecret), sent to the API’s endpoint with its Version', () => {
    const { method, url } = parseCurl(sample.classic);
    const params = Object.fromEntries(url.searchParams);
    const { Signature, ...signed } = params;
    expect(`${url.origin}/`).toBe(sample.url);
    expect(signed.Action).toBe(sample.action);
    expect(signed.Version).toBe(sample.version);
    expect(signed.AccessKeyId).toBe('testid');
    expect(Signature).toBe(OpenApiUtil.getRPCSignature(signed, method, EXAMPLE_ACCESS_KEY_SECRET));
  });

  it('ACS3 form: the Authorization header is the one the official signer computes', () => {
    const { method, url, headers } = parseCurl(sample.acs3);
    const { Authorization, ...signedHeaders } = headers;
    const official = OpenApiUtil.getAuthorization(
      { method, pathname: url.pathname, query: Object.fromEntries(url.searchParams), headers: { host: url.host, ...signedHeaders } },
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
});

// --- Type-checking the TypeScript samples ------------------------------------------------------------------

/** Type errors of in-memory source files (placed in the repository, so that its node_modules resolve). */
function typeErrors(files: Record<string, string>, options: ts.CompilerOptions): string[] {
  const paths = new Map(Object.entries(files).map(([name, text]) => [join(repoRoot, '.docs-samples', name), text]));
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists, readFile } = host;
  host.fileExists = (file) => paths.has(file) || fileExists.call(host, file);
  host.readFile = (file) => paths.get(file) ?? readFile.call(host, file);
  host.getSourceFile = (file, language, ...rest) =>
    paths.has(file) ? ts.createSourceFile(file, paths.get(file)!, language) : getSourceFile.call(host, file, language, ...rest);
  const program = ts.createProgram([...paths.keys()], options, host);
  return ts
    .getPreEmitDiagnostics(program)
    .filter((d) => d.file && paths.has(d.file.fileName))
    .map((d) => `${d.file!.fileName.slice(repoRoot.length + 1)}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
}

const common: ts.CompilerOptions = { strict: true, noEmit: true, skipLibCheck: true, types: ['node'], target: ts.ScriptTarget.ES2022 };

describe.each(site.apis.map((api) => [api.id] as const))('the TypeScript samples of %s', (id) => {
  const ofApi = samples.filter((s) => s.api === id);

  it('are there, one per action', () => {
    expect(ofApi.length).toBe(listOperations(site.apis.find((api) => api.id === id)!.contract).length);
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

  it('type-check against the official SDK @alicloud/resourcemanager20200331 or the generic call of @alicloud/openapi-core (CommonJS, as Alibaba Cloud writes them)', () => {
    const files = Object.fromEntries(ofApi.map((s) => [sampleFile(s, 'sdk', 'ts'), s.sdk]));
    const errors = typeErrors(files, { ...common, module: ts.ModuleKind.CommonJS, moduleResolution: ts.ModuleResolutionKind.Node10, esModuleInterop: true });
    expect(errors).toEqual([]);
  }, 60_000);
});
