// Import rules, checked by `npm test` (tests/e2e/architecture.test.ts) with dependency-cruiser.
// Data flows one way: openapi/ -> scripts/ (the build) -> generated/ (the contract package's content) -> packages/
// (the client and the mock, at run time). `@rd-contract/*` resolve through tsconfig.json's `paths`
// (`@rd-contract/contract` is generated/contract.ts).
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'No import cycle anywhere.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'generated-imports-only-generated',
      severity: 'error',
      comment:
        'generated/ is what the build writes (the contract package): it imports nothing of packages/, scripts/ or tests/.',
      from: { path: '^generated/' },
      to: { path: '^(packages|scripts|tests)/' },
    },
    {
      name: 'runtime-does-not-import-build-or-tests',
      severity: 'error',
      comment: 'packages/ is the runtime: it reads the contract, never the build (scripts/) or the tests.',
      from: { path: '^packages/' },
      to: { path: '^(scripts|tests)/' },
    },
    {
      name: 'contract-value-only-at-entry-points',
      severity: 'error',
      comment:
        'The runtime is given the contract value (an option); only the entry points that define its default ' +
        "import it from @rd-contract/contract: the client's (packages/client/src/index.ts), the mock's " +
        "(packages/mock/src/index.ts) and the proxy's (packages/mock/src/proxy/index.ts). Types may be imported " +
        'anywhere.',
      from: {
        path: '^packages/[^/]+/src/',
        pathNot: '^packages/(client/src/index|mock/src/index|mock/src/proxy/index)\\.ts$',
      },
      to: { path: '^generated/contract\\.ts$', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'runtime-reads-only-the-contract-index',
      severity: 'error',
      comment:
        'packages/ reach generated/ only through @rd-contract/contract (generated/contract.ts), never a model or ' +
        'type file of it.',
      from: { path: '^packages/' },
      to: { path: '^generated/', pathNot: '^generated/contract\\.ts$' },
    },
    {
      name: 'one-http-sender',
      severity: 'error',
      comment:
        'One node:http sender (packages/client/src/protocol/http-sender.ts, with its decompression and retry), ' +
        'for the client and the proxy: nothing else of packages/ sends requests (node:https) or decodes bodies ' +
        '(node:zlib).',
      from: { path: '^packages/', pathNot: '^packages/client/src/protocol/http-sender\\.ts$' },
      to: { dependencyTypes: ['core'], path: '^(node:)?(https|zlib)$' },
    },
    {
      name: 'client-sends-through-the-sender',
      severity: 'error',
      comment: 'In the client only the sender, packages/client/src/protocol/http-sender.ts, imports node:http.',
      from: { path: '^packages/client/', pathNot: '^packages/client/src/protocol/http-sender\\.ts$' },
      to: { dependencyTypes: ['core'], path: '^(node:)?http$' },
    },
    {
      name: 'client-imports-nothing-of-the-mock',
      severity: 'error',
      comment: 'The client package depends on the contract and openapi-fetch only.',
      from: { path: '^packages/client/' },
      to: { path: '^packages/mock/' },
    },
    {
      name: 'front-end-is-shared',
      severity: 'error',
      comment:
        'The RPC front end (packages/mock/src/frontend/) serves the mock and the proxy alike: it imports neither.',
      from: { path: '^packages/mock/src/frontend/' },
      to: { path: '^packages/mock/src/(mock|emulator|proxy|cli|testing|control)/' },
    },
    {
      name: 'control-routes-over-the-front-end',
      severity: 'error',
      comment:
        'The /_mock/ control routes (packages/mock/src/control/: journal, faults, coverage) serve the mock and the ' +
        'emulator alike, from what the front end gives them: they import the front end only.',
      from: { path: '^packages/mock/src/control/' },
      to: { path: '^packages/mock/src/(mock|emulator|proxy|cli|testing)/' },
    },
    {
      name: 'mock-and-proxy-apart',
      severity: 'error',
      comment: 'The mock (responder, emulator) and the proxy (forwarder) share the front end, never each other.',
      from: { path: '^packages/mock/src/(mock|emulator)/' },
      to: { path: '^packages/mock/src/proxy/' },
    },
    {
      name: 'proxy-apart-from-mock',
      severity: 'error',
      comment: 'The proxy (forwarder) uses the front end, never the mock or the emulator.',
      from: { path: '^packages/mock/src/proxy/' },
      to: { path: '^packages/mock/src/(mock|emulator)/' },
    },
    {
      name: 'build-uses-only-runtime-leaves',
      severity: 'error',
      comment:
        "The build steps may use the runtime's pure helpers that import nothing of generated/ (XML rendering, signing, for examples and code samples; the options parameter checks are compiled with), nothing else of packages/: the build must not depend on what it generates.",
      from: { path: '^scripts/(gen-|build|paths|contract/|docs/|templates/)' },
      to: {
        path: '^packages/',
        pathNot:
          '^packages/(mock/src/frontend/render|client/src/protocol/signing|client/src/protocol/schema-check)\\.ts$',
      },
    },
    {
      name: 'runtime-leaves-stay-leaves',
      severity: 'error',
      comment: 'The helpers the build uses import nothing of the project (so the build never loads generated/).',
      from: {
        path: '^packages/(mock/src/frontend/render|client/src/protocol/signing|client/src/protocol/schema-check)\\.ts$',
      },
      to: { path: '^(packages|generated|scripts)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|dist)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.d.ts'] },
  },
};
