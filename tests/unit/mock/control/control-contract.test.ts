// The description of the /_mock/ routes (openapi/control/openapi.yaml, published as generated/control/) is true of
// the mock: every route and method the mock serves is described, each answer it gives validates against the
// described response, and every documented error code is one the routes answer. Also its docs page.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { startMock, type RunningMock } from '../../../../packages/mock/src/testing/index.js';
import { repoRoot } from '../../../helpers/contract.js';
import { assertSelfContained } from '../../../../scripts/docs/render.js';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any -- a parsed OpenAPI document
const doc: Json = JSON.parse(readFileSync(join(repoRoot, 'generated', 'control', 'openapi.json'), 'utf8'));
const ajv = new Ajv2020({ strict: false, allErrors: true });
(addFormatsModule as unknown as (a: Ajv2020) => void)(ajv);
ajv.addSchema(doc, 'control');
const deref = (node: Json): Json =>
  node?.$ref
    ? deref(
        node.$ref
          .slice(2)
          .split('/')
          .reduce((n: Json, k: string) => n[k.replace(/~1/g, '/')], doc),
      )
    : node;

let mock: RunningMock;
beforeAll(async () => {
  mock = await startMock({ stateful: true, seed: 3 });
});
afterAll(() => mock.close());

/** Sends a request and checks its answer against the described response of `path` and `method`. */
async function check(method: string, path: string, body?: unknown): Promise<{ status: number; value: Json }> {
  const res = await fetch(`${mock.url}${path}`, {
    method,
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const value = await res.json();
  const route = path.split('?')[0]!.replace(/^\/_emulator\/accounts\/[^/]+$/, '/_emulator/accounts/{accessKeyId}');
  // A method a route does not take is described by the route's other operations' 405.
  const op =
    doc.paths[route]?.[method.toLowerCase()] ??
    (res.status === 405 ? Object.values(doc.paths[route] ?? {})[0] : undefined);
  expect(op, `${method} ${route} is described`).toBeDefined();
  const response = deref(op.responses[String(res.status)]);
  expect(response, `${method} ${route} ${res.status} is described`).toBeDefined();
  const pointer = `control#/paths/${route.replace(/\//g, '~1')}/${method.toLowerCase()}/responses/${res.status}`;
  const schemaRef = op.responses[String(res.status)].$ref
    ? `control${op.responses[String(res.status)].$ref}/content/application~1json/schema`
    : `${pointer}/content/application~1json/schema`;
  const validate = ajv.getSchema(schemaRef)!;
  expect(
    validate(value),
    `${method} ${path} -> ${res.status}: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(value)}`,
  ).toBe(true);
  return { status: res.status, value };
}

describe('the control routes as described', () => {
  it('every answer validates against its description, successes and errors', async () => {
    await fetch(`${mock.url}/?Action=GetResourceDirectory&Version=2020-03-31&AccessKeyId=AK-DOC`, { method: 'POST' });
    expect((await check('GET', '/_mock/health')).status).toBe(200);
    expect((await check('GET', '/_mock/requests?action=GetResourceDirectory')).value).toHaveLength(1);
    expect((await check('GET', '/_mock/requests/count?status=404')).value).toEqual({ count: 1 });
    expect((await check('GET', '/_mock/coverage')).status).toBe(200);
    expect(
      (
        await check('PUT', '/_mock/faults', [
          { action: 'GetResourceDirectory', latencyMs: [1, 2], probability: 0.5, times: 3 },
        ])
      ).status,
    ).toBe(200);
    expect((await check('GET', '/_mock/faults')).value[0]).toMatchObject({ applied: 0 });
    expect((await check('PUT', '/_mock/faults', [{ error: 'Nope' }])).value.Code).toBe('Mock.InvalidFaultRule');
    expect((await check('DELETE', '/_mock/faults')).value).toEqual([]);
    expect((await check('GET', '/_mock/requests?colour=red')).value.Code).toBe('Mock.InvalidQuery');
    expect((await check('POST', '/_mock/requests')).value.Code).toBe('Mock.MethodNotAllowed');
    expect((await check('DELETE', '/_mock/requests')).value).toEqual({ deleted: 1 });
  });

  it('and so do the emulator routes', async () => {
    await fetch(`${mock.url}/?Action=SendVerificationCodeForEnableRD&Version=2020-03-31&AccessKeyId=AK-DOC`, {
      method: 'POST',
    });
    expect((await check('GET', '/_emulator/verification-codes?account=AK-DOC')).value).toHaveLength(1);
    expect((await check('GET', '/_emulator/verification-codes?colour=red')).status).toBe(400);
    expect(
      (await check('POST', '/_emulator/accounts/AK-DOC', { enterpriseName: 'Doc Co.', site: null })).value
        .enterpriseName,
    ).toBe('Doc Co.');
    expect((await check('POST', '/_emulator/accounts/AK-DOC', { colour: 'red' })).status).toBe(400);
    expect((await check('GET', '/_emulator/accounts/AK-DOC')).status).toBe(200);
    expect((await check('GET', '/_emulator/state')).value.verificationCodes).toHaveLength(1);
    expect((await check('DELETE', '/_emulator/accounts/AK-DOC')).value).toEqual({
      accessKeyId: 'AK-DOC',
      forgotten: true,
    });
    expect((await check('POST', '/_emulator/reset')).value).toEqual({ reset: true });
    expect((await check('GET', '/_emulator/reset')).status).toBe(405);
  });

  it('describes exactly the routes and methods the mock serves', async () => {
    const described = Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.keys(item as object)
        .filter((m) => m !== 'parameters')
        .map((m) => `${m.toUpperCase()} ${path}`),
    );
    const served: string[] = [];
    for (const path of Object.keys(doc.paths)) {
      const res = await fetch(`${mock.url}${path.replace('{accessKeyId}', 'AK-X')}`, { method: 'PATCH' });
      expect(res.status).toBe(405);
      served.push(
        ...res.headers
          .get('allow')!
          .split(', ')
          .map((m) => `${m} ${path}`),
      );
    }
    // and no other route: the 404 of each prefix lists the routes there are
    const listed = async (path: string) =>
      JSON.stringify(await (await fetch(`${mock.url}${path}`)).json()).split('routes:')[1]!;
    expect((await listed('/_mock/nothing')).match(/\/_mock\/[a-z/]+/g)!.sort()).toEqual(
      Object.keys(doc.paths)
        .filter((p) => p.startsWith('/_mock/'))
        .sort(),
    );
    expect((await listed('/_emulator/nothing')).match(/\/_emulator\/[a-z-]+/g)!.length).toBe(
      Object.keys(doc.paths).filter((p) => p.startsWith('/_emulator/')).length,
    );
    expect(described.sort()).toEqual(served.sort());
  });

  it('its error codes are the ones the routes answer', async () => {
    const codes = doc.components.schemas.Error.properties.Code.enum as string[];
    const source = readFileSync(join(repoRoot, 'packages', 'mock', 'src', 'control', 'routes.ts'), 'utf8');
    expect(source).toContain("problem(req, res, 404, 'Mock.NotFound'");
    expect([...new Set(source.match(/'Mock\.[A-Za-z]+'/g)!.map((c) => c.slice(1, -1)))].sort()).toEqual(
      [...codes].sort(),
    );
  });

  it('the YAML and the JSON twin say the same; the docs page is self-contained and served by the mock', async () => {
    expect(
      parse(readFileSync(join(repoRoot, 'generated', 'control', 'openapi.yaml'), 'utf8'), { version: '1.1' }),
    ).toEqual(doc);
    const html = readFileSync(join(repoRoot, 'generated', 'docs', 'control', 'index.html'), 'utf8');
    assertSelfContained(html, 'generated/docs/control/index.html');
    expect(html).toContain('rd-mock control routes');
    const served = await fetch(`${mock.url}/docs/control/`);
    expect(served.status).toBe(200);
    expect(await served.text()).toContain('rd-mock control routes');
  });
});
