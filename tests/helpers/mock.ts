/**
 * Starting the mock in-process for tests, with every API answer it writes checked against the contract: the status is
 * declared for the action, the body validates against that response's schema for its media type (XML parsed with
 * fast-xml-parser), the content type is exact, and RequestId = x-acs-request-id header = the id in Recommend.
 */
import type { ValidateFunction } from 'ajv';
import {
  createMockServer,
  type MockResponseEvent,
  type MockServer,
  type MockServerOptions,
} from '../../packages/mock/src/index.js';
import { apiEntries, contracts, deref, operations, parseXml, type Contract, type Json } from './contract.js';

export const VERSION = '2020-03-31';
export const XML_TYPE = 'text/xml;charset=utf-8';
export const JSON_TYPE = 'application/json;charset=utf-8';

const validators = new Map<string, ValidateFunction>();
function validatorFor(contract: Contract, schema: Json, key: string): ValidateFunction {
  let v = validators.get(key);
  if (!v) {
    v = contract.compileSchema(schema);
    validators.set(key, v);
  }
  return v;
}

/** What is wrong with one answer of the mock, measured against the contract; undefined when nothing is. */
export function contractProblem(e: MockResponseEvent): string | undefined {
  const where = `${e.method} ${e.url} -> ${e.status} ${e.contentType}`;
  const mediaType = e.format === 'xml' ? 'text/xml' : 'application/json';
  if (e.contentType !== (e.format === 'xml' ? XML_TYPE : JSON_TYPE)) return `${where}: content type`;
  // The action's declared response; before the action is known, a response every action declares.
  const contract = contracts[e.api ?? apiEntries[0]!.id]!;
  const { operations, deref, doc } = contract;
  const ops = e.action ? operations.filter((o) => o.action === e.action) : operations;
  if (ops.length === 0) return `${where}: unknown action ${e.action}`;
  let schema: Json;
  for (const { op, action } of ops) {
    const response = op.responses[String(e.status)];
    if (!response) return `${where}: status ${e.status} is not declared for ${action}`;
    const content = deref(response).content ?? {};
    if (!content[mediaType]) return `${where}: ${mediaType} is not declared for ${action} ${e.status}`;
    // An XML body is the JSON form's tree under the root element: both are checked against the JSON form's schema.
    schema = content['application/json'].schema;
  }
  let value: Json;
  if (e.format === 'xml') {
    let parsed: { root: string; value: Json };
    try {
      parsed = parseXml(e.body);
    } catch (err) {
      return `${where}: XML does not parse: ${(err as Error).message}`;
    }
    const root = deref(schema).xml?.name;
    if (parsed.root !== root) return `${where}: XML root <${parsed.root}>, the schema says <${root}>`;
    value = parsed.value;
  } else {
    try {
      value = JSON.parse(e.body);
    } catch (err) {
      return `${where}: JSON does not parse: ${(err as Error).message}`;
    }
  }
  const validate = validatorFor(
    contract,
    schema,
    `${contract.doc.info.version} ${e.action ?? '*'} ${e.status} ${mediaType}`,
  );
  if (!(validate as (data: unknown) => boolean)(value))
    return `${where}: ${JSON.stringify(validate.errors)}\n${e.body}`;
  if (value.RequestId !== e.requestId || e.headers['x-acs-request-id'] !== e.requestId)
    return `${where}: RequestId, x-acs-request-id and the generated id differ`;
  if (!/^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/.test(e.requestId))
    return `${where}: RequestId ${e.requestId} is not an upper-case UUID`;
  if (e.status >= 400) {
    if (
      value.Recommend !==
      `https://api.aliyun.com/troubleshoot?q=${value.Code}&product=${doc['x-acs-rpc'].product}&requestId=${e.requestId}`
    )
      return `${where}: Recommend ${value.Recommend}`;
    if (value.HostId !== doc['x-acs-rpc'].endpoint) return `${where}: HostId ${value.HostId}`;
  }
  return undefined;
}

export interface TestMock {
  readonly url: string;
  readonly port: number;
  /** Every API answer so far. */
  readonly events: MockResponseEvent[];
  /** Answers that broke the contract (see {@link contractProblem}). */
  readonly problems: string[];
  /** The last answer. */
  last(): MockResponseEvent;
  close(): Promise<void>;
  /** The server itself (its emulator, in stateful mode). */
  readonly server: MockServer;
}

export async function startMock(options: MockServerOptions = {}): Promise<TestMock> {
  const events: MockResponseEvent[] = [];
  const problems: string[] = [];
  const mock = createMockServer({
    ...options,
    host: '127.0.0.1',
    port: 0,
    onResponse: (e) => {
      events.push(e);
      const p = contractProblem(e);
      if (p) problems.push(p);
      options.onResponse?.(e);
    },
  });
  const url = await mock.listen();
  return {
    url,
    port: Number(new URL(url).port),
    events,
    problems,
    last: () => {
      const e = events.at(-1);
      if (!e) throw new Error('the mock has not answered yet');
      return e;
    },
    close: () => mock.close(),
    server: mock,
  };
}

/** The documented error codes of an action by status, from the bundled contract's JSON examples. */
export function documentedErrors(action: string): { code: string; status: number }[] {
  const op = operations.find((o) => o.action === action)!.op;
  return Object.entries<Json>(op.responses).flatMap(([status, r]) =>
    Number(status) >= 400
      ? Object.keys(deref(r).content?.['application/json']?.examples ?? {}).map((code) => ({
          code,
          status: Number(status),
        }))
      : [],
  );
}

/** Status of a documented code of an action (throws when the contract does not document it). */
export function statusOf(action: string, code: string): number {
  const found = documentedErrors(action).find((e) => e.code === code);
  if (!found) throw new Error(`${action} does not document ${code}`);
  return found.status;
}

export const actionNames: string[] = operations.map((o) => o.action);

/** Parses a mock answer (JSON or XML) into the value its JSON form holds. */
export function bodyOf(text: string, contentType: string | null): Json {
  return contentType === XML_TYPE ? parseXml(text).value : JSON.parse(text);
}
