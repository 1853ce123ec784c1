// Redocly plugin `rd`: the conventions of this contract, as lint rules (see redocly.yaml and the README).
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { XMLParser } from 'fast-xml-parser';
import { derefDeep, isRef } from './contract/deref.js';
import { sourceProblems } from './contract/sources.js';

const ajv = new Ajv2020({ allErrors: true, strict: false });
(addFormats.default ?? addFormats)(ajv);
const xmlParser = new XMLParser({ parseTagValue: false, ignoreDeclaration: true, trimValues: true });

const isXml = (mediaType) => /[/+]xml\b/.test(mediaType);

/** The contract's resolver (scripts/contract/deref.js) over Redocly's own reference lookup. */
const derefIn = (ctx, node) => derefDeep(node, (_ref, refNode) => ctx.resolve(refNode).node);

/** Turns an XML example into the object its JSON twin is: the root element's children. */
export function xmlExampleToObject(text) {
  const parsed = xmlParser.parse(text);
  const roots = Object.keys(parsed);
  if (roots.length !== 1) throw new Error(`expected one root element, found ${roots.length}`);
  const body = parsed[roots[0]];
  return { root: roots[0], value: body === '' ? {} : body };
}

/**
 * Replaces the built-in no-invalid-media-type-examples, which cannot read XML examples (redocly-cli#1276). A `text/xml`
 * media type documents XML text (a string schema whose `xml.name` is the root element): each of its examples must
 * parse, have that root, and its root's children must match the schema of the `application/json` twin in the same
 * content.
 */
function ValidMediaExamples() {
  const check = (ctx, content, mediaTypeName, jsonSchema) => {
    const mediaType = content[mediaTypeName];
    if (!mediaType?.examples) return;
    const xml = isXml(String(mediaTypeName));
    const ownSchema = mediaType.schema ? derefIn(ctx, mediaType.schema) : undefined;
    const schema = xml ? jsonSchema : ownSchema;
    if (!schema) {
      if (xml)
        ctx.report({
          message: `XML media type ${mediaTypeName} has no application/json twin to validate its examples against.`,
          location: ctx.location.child([mediaTypeName]),
        });
      return;
    }
    const validate = ajv.compile(schema);
    for (const [name, raw] of Object.entries(mediaType.examples)) {
      const example = isRef(raw) ? ctx.resolve(raw).node : raw;
      if (!example || example.value === undefined) continue;
      const location = ctx.location.child([mediaTypeName, 'examples', name, 'value']);
      let value = example.value;
      if (xml) {
        if (typeof value !== 'string') {
          ctx.report({ message: `XML example "${name}" must be a string of XML.`, location });
          continue;
        }
        if (ownSchema?.type !== 'string') {
          ctx.report({
            message: `XML media type ${mediaTypeName} must have a string schema (an XML example is XML text).`,
            location: ctx.location.child([mediaTypeName, 'schema']),
          });
        }
        try {
          const parsed = xmlExampleToObject(value);
          const expectedRoot = ownSchema?.xml?.name ?? jsonSchema.xml?.name;
          if (expectedRoot && parsed.root !== expectedRoot) {
            ctx.report({
              message: `XML example "${name}" has root <${parsed.root}>, the schema's xml.name is <${expectedRoot}>.`,
              location,
            });
          }
          value = parsed.value;
        } catch (e) {
          ctx.report({ message: `XML example "${name}" does not parse: ${e.message}`, location });
          continue;
        }
      }
      if (!validate(value)) {
        ctx.report({
          message: `Example "${name}" does not match its schema: ${ajv.errorsText(validate.errors)}`,
          location,
        });
      }
    }
  };
  return {
    MediaTypesMap: {
      leave(content, ctx) {
        const json = content['application/json'];
        const jsonSchema = json?.schema ? derefIn(ctx, json.schema) : undefined;
        for (const mediaTypeName of Object.keys(content)) check(ctx, content, mediaTypeName, jsonSchema);
      },
    },
  };
}

/**
 * operationId is the PascalCase action; the path key is `/#Action=<action>`; Action and Version are required one-value
 * query parameters.
 */
function OperationIdIsAction() {
  return {
    PathItem: {
      Operation: {
        enter(operation, ctx) {
          const id = operation.operationId;
          if (!/^[A-Z][A-Za-z0-9]+$/.test(id ?? '')) {
            ctx.report({
              message: `operationId "${id}" must be the PascalCase action name.`,
              location: ctx.location.child('operationId'),
            });
            return;
          }
          const params = (operation.parameters ?? []).map((p) => (isRef(p) ? ctx.resolve(p).node : p));
          const action = params.find((p) => p.name === 'Action' && p.in === 'query');
          const enumOk = action?.required === true && action.schema?.enum?.length === 1 && action.schema.enum[0] === id;
          if (!enumOk)
            ctx.report({
              message:
                `Operation ${id} must declare a required query parameter Action whose only allowed value is` +
                ` "${id}".`,
              location: ctx.location.child('parameters'),
            });
          const version = params.find((p) => p.name === 'Version' && p.in === 'query');
          const vSchema = version && (isRef(version.schema) ? ctx.resolve(version.schema).node : version.schema);
          if (!(version?.required === true && vSchema?.enum?.length === 1))
            ctx.report({
              message: `Operation ${id} must declare a required query parameter Version with a single allowed value.`,
              location: ctx.location.child('parameters'),
            });
        },
      },
    },
    Paths: {
      enter(paths, ctx) {
        for (const [key, item] of Object.entries(paths)) {
          const resolved = isRef(item) ? ctx.resolve(item).node : item;
          for (const op of Object.values(resolved ?? {})) {
            if (op && typeof op === 'object' && op.operationId && key !== `/#Action=${op.operationId}`) {
              ctx.report({
                message: `Path key "${key}" must be "/#Action=${op.operationId}".`,
                location: ctx.location.child([key]).key(),
              });
            }
          }
        }
      },
    },
  };
}

const hasExample = (node) =>
  node && (node.example !== undefined || (node.examples !== undefined && Object.keys(node.examples).length > 0));

/** Every parameter has a description and an example. */
function ParameterDescriptionAndExample() {
  return {
    Parameter: {
      enter(parameter, ctx) {
        if (!parameter.description?.trim())
          ctx.report({ message: `Parameter ${parameter.name} needs a description.`, location: ctx.location });
        const schema = isRef(parameter.schema) ? ctx.resolve(parameter.schema).node : parameter.schema;
        if (!hasExample(parameter) && !hasExample(schema))
          ctx.report({ message: `Parameter ${parameter.name} needs an example.`, location: ctx.location });
      },
    },
  };
}

/** Every property of every schema has a description and an example (on itself or on the schema it references). */
function PropertyDescriptionAndExample() {
  return {
    Schema: {
      enter(schema, ctx) {
        for (const [name, raw] of Object.entries(schema.properties ?? {})) {
          const prop = isRef(raw) ? ctx.resolve(raw).node : raw;
          const location = ctx.location.child(['properties', name]);
          if (!raw.description?.trim() && !prop?.description?.trim())
            ctx.report({ message: `Property ${name} needs a description.`, location });
          if (!hasExample(raw) && !hasExample(prop) && prop?.type !== 'object')
            ctx.report({ message: `Property ${name} needs an example.`, location });
        }
      },
    },
  };
}

/**
 * Every error example is named after its Code, JSON and XML twins come in pairs, and the operation carries the
 * gateway's common errors (the document's `x-acs-gateway-errors`, which the build writes from the source's
 * `x-acs-gateway-responses`).
 */
function ErrorExamples() {
  let gateway = {};
  return {
    Root: {
      enter(root) {
        gateway = root['x-acs-gateway-errors'] ?? {};
      },
    },
    Operation: {
      enter(operation, ctx) {
        const seen = {};
        for (const [status, raw] of Object.entries(operation.responses ?? {})) {
          if (Number(status) < 400) continue;
          const response = derefIn(ctx, raw);
          if (!response || typeof response !== 'object') continue;
          const names = {};
          for (const [mediaType, media] of Object.entries(response.content ?? {})) {
            names[mediaType] = new Set(Object.keys(media.examples ?? {}));
            for (const [name, rawEx] of Object.entries(media.examples ?? {})) {
              const ex = rawEx;
              const location = ctx.location.child(['responses', status, 'content', mediaType, 'examples', name]);
              let code;
              try {
                code = isXml(mediaType) ? xmlExampleToObject(ex.value).value.Code : ex.value?.Code;
              } catch {
                code = undefined;
              }
              if (code !== name)
                ctx.report({ message: `Error example "${name}" must be named after its Code ("${code}").`, location });
            }
          }
          seen[status] = Object.values(names);
          const sets = Object.values(names);
          for (const s of sets)
            for (const n of s)
              if (!sets.every((t) => t.has(n))) {
                ctx.report({
                  message: `Error example "${n}" on ${status} must exist in every media type (JSON and XML twins).`,
                  location: ctx.location.child(['responses', status]),
                });
              }
        }
        for (const [status, codes] of Object.entries(gateway)) {
          const perMediaType = seen[status] ?? [];
          for (const code of codes)
            if (perMediaType.length === 0 || !perMediaType.every((set) => set.has(code))) {
              ctx.report({
                message: `Operation ${operation.operationId} must carry the gateway error ${code} on ${status}.`,
                location: ctx.location.child('responses'),
              });
            }
        }
      },
    },
  };
}

/**
 * Provenance (scripts/contract/sources.js): every operation, parameter, example, sample request, constrained schema,
 * site and request rule, quota, security scheme, header and gateway response says where it comes from in
 * `x-acs-sources`, in the vocabulary (seed:NNN, research:<note>#<section>, sdk:<package>, inference: <why>), every kind
 * used is listed in `info.x-acs-sources`, and a sample's summary says "built by the contract" exactly when an
 * inference is among its sources. Whether a seed's label is backed by the seed is checked by
 * tests/unit/contract/provenance.test.ts, which has the seeds' facts.
 */
function Sources() {
  return {
    Root: {
      leave(root, ctx) {
        for (const { path, message } of sourceProblems(root))
          ctx.report({ message, location: ctx.location.child(path) });
      },
    },
  };
}

export default function rdPlugin() {
  return {
    id: 'rd',
    rules: {
      oas3: {
        'valid-media-examples': ValidMediaExamples,
        'operation-id-is-action': OperationIdIsAction,
        'parameter-description-and-example': ParameterDescriptionAndExample,
        'property-description-and-example': PropertyDescriptionAndExample,
        'error-examples': ErrorExamples,
        sources: Sources,
      },
    },
  };
}
