// scripts/gen-15-rules.ts: the contract value's shared part is what every API's description says alike, and the
// build refuses descriptions that disagree on it; the default API is the first.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildContract, buildShared } from '../../../scripts/gen-15-rules.js';
import { contract } from '../../../generated/contract.js';
import { apiFile } from '../../helpers/contract.js';

import type { Json } from '../../helpers/contract.js';
const APIS = ['ResourceManager/2020-03-31', 'ResourceDirectoryMaster/2022-04-19'] as const;
const docs = (): Json[] => APIS.map((api) => JSON.parse(readFileSync(apiFile(api, 'openapi.json'), 'utf8')));

describe('the contract value', () => {
  it('shares what each description says: common parameters, gateway errors, error precedence', () => {
    for (const doc of docs()) expect(buildShared(doc)).toEqual(contract.shared);
    expect(Object.keys(contract.shared).sort()).toEqual(['commonParameters', 'errorPrecedence', 'gatewayErrors']);
    expect(contract.shared.commonParameters.routing).toEqual(['Action', 'Version', 'Format']);
  });

  it('keeps one model per API, without the shared part, and the first API as the default', () => {
    expect(Object.keys(contract.apis)).toEqual([...APIS]);
    expect(contract.defaultApi).toBe(APIS[0]);
    for (const api of APIS) {
      expect(contract.apis[api].api).toBe(api);
      const parts = ['actions', 'api', 'endpoint', 'product', 'schemas', 'version'];
      expect(Object.keys(contract.apis[api]).sort()).toEqual(parts);
    }
  });

  it.each([
    ['gatewayErrors', (d: Json) => d['x-acs-gateway-errors']['400'].push('Made.Up')],
    ['errorPrecedence', (d: Json) => d['x-acs-error-precedence'].order.reverse()],
  ])('the build refuses APIs that disagree on %s, naming it', (part, change) => {
    const [rm, rdm] = docs();
    change(rdm);
    const disagree = new RegExp(
      `ResourceDirectoryMaster/2022-04-19 and ResourceManager/2020-03-31 disagree on ${part}`,
    );
    expect(() => buildContract([rm, rdm])).toThrow(disagree);
    expect(buildContract(docs()).shared).toEqual(contract.shared);
  });
});
