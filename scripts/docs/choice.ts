/**
 * The sentence on which API to choose, on every page of every API. Its facts are checked against the descriptions
 * when the docs are built, so the build fails instead of publishing it once one of them stops being true.
 */
import { apiIdentity, errorRows, listOperations, operationParameters, type Document } from './contract.js';
import { OFFICIAL_SDKS } from './code-samples.js';
import { formatList, type Translator } from './i18n.js';
import { code } from './markdown.js';

/** An API's published description and whether it is the default (the first of generated/apis.json). */
export interface ApiContract {
  contract: Document;
  isDefault: boolean;
}

const RESOURCE_MANAGER = 'ResourceManager/2020-03-31';
const RESOURCE_DIRECTORY_MASTER = 'ResourceDirectoryMaster/2022-04-19';
const INIT = 'InitResourceDirectory';
const ENABLE = 'EnableResourceDirectory';
const DRY_RUN = 'DryRun';

function operationOf(doc: Document, action: string) {
  return listOperations(doc).find(({ operation }) => operation.operationId === action)?.operation;
}

function hasParameter(doc: Document, name: string): boolean {
  return listOperations(doc).some(({ operation }) => operationParameters(doc, operation).some((p) => p.name === name));
}

function errorCodes(doc: Document, action: string): string[] {
  const operation = operationOf(doc, action);
  return operation ? errorRows(doc, operation).map((row) => row.code) : [];
}

/**
 * The codes EnableResourceDirectory documents on ResourceDirectoryMaster 2022-04-19 and not on ResourceManager
 * 2020-03-31.
 */
export function choiceFacts(apis: readonly ApiContract[]): { sdk: string; extraCodes: string[] } {
  const byId = new Map(apis.map((api) => [apiIdentity(api.contract).id, api]));
  const ids = [...byId.keys()].sort();
  const expected = [RESOURCE_DIRECTORY_MASTER, RESOURCE_MANAGER];
  const fail = (fact: string) => {
    throw new Error(
      `docs: the sentence on which API to choose (scripts/docs/choice.ts) says ${fact}, which the descriptions no` +
        ` longer say`,
    );
  };
  if (ids.join() !== expected.join())
    fail(`that the APIs are ${expected.join(' and ')} (the build has ${ids.join(', ')})`);
  const rm = byId.get(RESOURCE_MANAGER)!;
  const rdm = byId.get(RESOURCE_DIRECTORY_MASTER)!.contract;
  if (!rm.isDefault) fail(`${RESOURCE_MANAGER} is the default API`);
  if (!operationOf(rm.contract, INIT)?.deprecated) fail(`${RESOURCE_MANAGER} has the deprecated ${INIT}`);
  if (operationOf(rdm, INIT)) fail(`${RESOURCE_DIRECTORY_MASTER} has no ${INIT}`);
  if (hasParameter(rm.contract, DRY_RUN)) fail(`${RESOURCE_MANAGER} has no ${DRY_RUN}`);
  if (!operationOf(rdm, ENABLE) || !operationParameters(rdm, operationOf(rdm, ENABLE)!).some((p) => p.name === DRY_RUN))
    fail(`${RESOURCE_DIRECTORY_MASTER} has ${DRY_RUN}`);
  const rmCodes = new Set(errorCodes(rm.contract, ENABLE));
  const extraCodes = errorCodes(rdm, ENABLE).filter((c) => !rmCodes.has(c));
  if (extraCodes.length !== 2 || errorCodes(rm.contract, ENABLE).some((c) => !errorCodes(rdm, ENABLE).includes(c))) {
    fail(`${RESOURCE_DIRECTORY_MASTER}'s ${ENABLE} has two error codes more than ${RESOURCE_MANAGER}'s and none fewer`);
  }
  const sdk = OFFICIAL_SDKS[RESOURCE_MANAGER];
  if (!sdk || OFFICIAL_SDKS[RESOURCE_DIRECTORY_MASTER]) fail(`only ${RESOURCE_MANAGER} has an official npm SDK here`);
  return { sdk: sdk!, extraCodes };
}

/** One sentence: what sets the two APIs apart and when to choose which. */
export function choiceSentence(apis: readonly ApiContract[], tr: Translator): string {
  const { sdk, extraCodes } = choiceFacts(apis);
  return tr.t(
    '**Which API to choose:** ResourceManager `2020-03-31`, this package’s default and the API of Alibaba Cloud’s' +
      ' official npm SDK ({sdk}), still has the deprecated {init} but no {dryRun}, while ResourceDirectoryMaster' +
      ' `2022-04-19`, the API Terraform’s provider reads the directory with, has {dryRun} and two more {enable}' +
      ' error codes ({codes}) but no {init}: choose 2022-04-19 to rehearse a change with a dry run, 2020-03-31 for' +
      ' the official SDK or {init}.',
    {
      sdk: code(sdk),
      init: code(INIT),
      dryRun: code(DRY_RUN),
      enable: code(ENABLE),
      codes: formatList(tr.lang, extraCodes.map(code)),
    },
  );
}
