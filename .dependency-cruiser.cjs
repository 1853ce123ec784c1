// Import rules, checked by `npm test` (tests/architecture.test.ts) with dependency-cruiser.
// Data flows one way: openapi/ -> scripts/ (the build) -> generated/ -> src/ (the runtime).
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
      comment: 'generated/ is what the build writes: the types it needs are emitted into it (scripts/templates/), never imported from src/ or scripts/.',
      from: { path: '^generated/' },
      to: { path: '^(src|scripts|tests)/' },
    },
    {
      name: 'runtime-does-not-import-build-or-tests',
      severity: 'error',
      comment: 'src/ is the runtime: it reads the contract model in generated/, never the build (scripts/) or the tests.',
      from: { path: '^src/' },
      to: { path: '^(scripts|tests)/' },
    },
    {
      name: 'build-uses-only-runtime-leaves',
      severity: 'error',
      comment:
        'The build steps may use the runtime\'s pure helpers that import nothing of generated/ (XML rendering, signing, for examples and code samples), nothing else of src/: the build must not depend on what it generates.',
      from: { path: '^scripts/(gen-|build|paths|contract/|docs/|templates/)' },
      to: { path: '^src/', pathNot: '^src/(mock/render|signing)\\.ts$' },
    },
    {
      name: 'runtime-leaves-stay-leaves',
      severity: 'error',
      comment: 'The helpers the build uses import nothing of the project (so the build never loads generated/).',
      from: { path: '^src/(mock/render|signing)\\.ts$' },
      to: { path: '^(src|generated|scripts)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|dist)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.check.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.d.ts'] },
  },
};
