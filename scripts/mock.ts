/**
 * `npm run mock [-- --port 4010 --host 127.0.0.1 --verify-signatures --site intl|china --stateful --state-file PATH]`:
 * serves the mock (src/mock/) until SIGINT/SIGTERM. Prints its URL alone on one line on stdout; everything else goes
 * to stderr. Exit codes: 2 for bad flags, 1 when it cannot start (contract, state file, port).
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createMockServer, DEFAULT_CODE_TTL_MS, parseAccessKeys, StateFileError } from '../src/mock/index.js';
import type { Site } from '../src/rules-types.js';

const usage = `Usage: npm run mock -- [options]

Serves Alibaba Cloud Resource Manager 2020-03-31 (resource directory actions) from the contract:
RPC requests on /, the bundled description on /openapi.yaml and /openapi.json, the docs on /docs/.

Options:
  --host <host>          interface to listen on (env HOST; default 127.0.0.1)
  --port <port>          port, 0 for a free one (env PORT; default 4010)
  --verify-signatures    verify ACS3-HMAC-SHA256 and HMAC-SHA1 signatures like the gateway, with the keys of
                         env MOCK_ACCESS_KEYS="id:secret,id2:secret2" (without it any credentials are accepted)
  --site <intl|china>    apply that site's parameter rules and error messages (default: only the rules both share)
  --stateful             emulate a resource directory that remembers, per account (= AccessKeyId; a request
                         without one gets 400 IncompleteSignature); state in memory unless --state-file
  --state-file <path>    keep the state in this JSON file (implies --stateful): read at start (a file that is not
                         a state of this emulator is reported and left alone: exit 1), rewritten atomically after
                         every change
  -h, --help             this text

Select any documented answer with \`Prefer: code=409, example=<Code>\` (or ?__code=409&__example=<Code>).

Stateful mode's control routes (plain JSON, unsigned):
  GET  /_emulator/state                                  the whole state (what the state file holds)
  POST /_emulator/reset                                  forget everything
  GET  /_emulator/verification-codes[?account=&phone=]   codes "sent" (no SMS): [{phone, code, account, sentAt,
                                                         expiresAt, status}]; a code lives ${DEFAULT_CODE_TTL_MS / 60_000} minutes
  GET  /_emulator/accounts/<AccessKeyId>                 the account: accountId, phone, name, site, ...
  POST /_emulator/accounts/<AccessKeyId>                 set {site, accountType, enterpriseVerified, enterpriseName,
                                                         inAnotherResourceDirectory, phone, name} (null: default)`;

function fail(message: string): never {
  console.error(`mock: ${message}\n\n${usage}`);
  process.exit(2);
}

let values;
try {
  ({ values } = parseArgs({
    options: {
      host: { type: 'string' },
      port: { type: 'string' },
      'verify-signatures': { type: 'boolean', default: false },
      site: { type: 'string' },
      stateful: { type: 'boolean', default: false },
      'state-file': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
    allowPositionals: false,
  }));
} catch (e) {
  fail((e as Error).message);
}
if (values.help) {
  console.log(usage);
  process.exit(0);
}

const host = values.host ?? process.env.HOST ?? '127.0.0.1';
const portText = values.port ?? process.env.PORT ?? '4010';
if (!/^\d+$/.test(portText) || Number(portText) > 65535) fail(`--port must be a number from 0 to 65535, got "${portText}"`);
const site = values.site;
if (site !== undefined && site !== 'intl' && site !== 'china') fail(`--site must be intl or china, got "${site}"`);

let accessKeys: Map<string, string>;
try {
  accessKeys = parseAccessKeys(process.env.MOCK_ACCESS_KEYS);
} catch (e) {
  fail((e as Error).message);
}
const verifySignatures = values['verify-signatures'] === true;
if (verifySignatures && accessKeys.size === 0) fail('--verify-signatures needs keys in MOCK_ACCESS_KEYS="id:secret,id2:secret2"');

const stateFile = values['state-file'];
if (stateFile !== undefined && stateFile.trim() === '') fail('--state-file needs a path');
const stateful = values.stateful === true || stateFile !== undefined;

let mock;
try {
  mock = createMockServer({
    host,
    port: Number(portText),
    verifySignatures,
    accessKeys,
    ...(site ? { site: site as Site } : {}),
    ...(stateful ? { stateful: stateFile !== undefined ? { stateFile: resolve(stateFile) } : true } : {}),
  });
} catch (e) {
  if (e instanceof StateFileError) console.error(`mock: ${e.message}`);
  else console.error(`mock: cannot load the contract: ${(e as Error).message}\nRun \`npm run build\` first.`);
  process.exit(1);
}

try {
  const url = await mock.listen();
  console.log(url);
  console.error(
    `mock: serving Resource Manager 2020-03-31 on ${url}/ (docs ${url}/docs/, description ${url}/openapi.yaml); ` +
      `signatures ${verifySignatures ? `verified (${accessKeys.size} key${accessKeys.size === 1 ? '' : 's'})` : 'not verified'}; ` +
      `site ${site ?? 'rules of both sites'}; ` +
      (mock.emulator
        ? `stateful (${describeState(mock.emulator.state)}, ${mock.emulator.stateFile ? `file ${mock.emulator.stateFile}` : 'in memory'}; control routes on ${url}/_emulator/)`
        : 'stateless (answers from the contract examples)'),
  );
} catch (e) {
  console.error(`mock: cannot listen on ${host}:${portText}: ${(e as Error).message}`);
  process.exit(1);
}

function describeState(state: { accounts: object; directories: object }): string {
  const a = Object.keys(state.accounts).length;
  const d = Object.keys(state.directories).length;
  return `${a} account${a === 1 ? '' : 's'}, ${d} director${d === 1 ? 'y' : 'ies'}`;
}

let stopping = false;
const stop = (signal: string) => {
  if (stopping) return;
  stopping = true;
  console.error(`mock: ${signal}, stopping`);
  const force = setTimeout(() => process.exit(1), 5_000);
  force.unref();
  void mock.close().then(() => process.exit(0));
};
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));
