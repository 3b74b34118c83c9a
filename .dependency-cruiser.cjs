/**
 * The layer rules of docs/architecture.md, checked by `npm run lint` (dependency-cruiser):
 * contract ← core ← adapters ← handlers; lib → contract; web → contract; local → the contract and
 * the handlers' public modules; the command line (bin/cli) → contract; no cycles anywhere.
 */
const CONTRACT = '^(graphql/|lambdas/contract/)';
/**
 * The functions, each with an entry file `lambdas/handlers/<function>.ts` and a composition root
 * `lambdas/handlers/<function>/compose.ts`: what a function shows the outside. The other files
 * there (config.ts, shared-adapters.ts, api/*.ts, …) are the handlers' own. A new function is
 * added here.
 */
const FUNCTIONS = '(api|pre-token|reconciler|router|session-logs|slack-interactions|workflow-tasks)';
const HANDLER_ENTRIES = `^lambdas/handlers/${FUNCTIONS}\\.ts$`;
const COMPOSITION_ROOTS = `^lambdas/handlers/${FUNCTIONS}/compose\\.ts$`;
/** The CDK app as a whole (the local cloud synthesizes the stack to run its state machine). */
const CDK_APP = '^lib/(app|config)\\.ts$';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      comment: 'An import cycle ties modules that should be read one after the other.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'contract-imports-nothing-of-ours',
      comment: 'The contract (schema, generated types, env and table names, patterns) is the bottom layer.',
      severity: 'error',
      from: { path: CONTRACT },
      to: { path: '^(bin|lib|lambdas|local|web|bench|test)/', pathNot: CONTRACT },
    },
    {
      name: 'core-imports-only-the-contract',
      comment: 'The core is pure: no adapters, handlers, CDK, local cloud or SPA.',
      severity: 'error',
      from: { path: '^lambdas/core/' },
      to: { path: '^(bin|lib|local|web|bench|test)/|^lambdas/(adapters|handlers)/' },
    },
    {
      name: 'core-is-free-of-aws',
      comment: 'AWS SDK, Lambda and CDK types belong in adapters or handlers.',
      severity: 'error',
      from: { path: '^lambdas/core/' },
      to: {
        path: '(^|node_modules/)(@aws-sdk|aws-sdk|aws-lambda|@types/aws-lambda|aws-cdk-lib|@aws-lambda-powertools)(/|$)',
      },
    },
    {
      name: 'core-has-no-generated-types',
      comment: 'The core speaks its own types; the api handler maps them to the schema.',
      severity: 'error',
      from: { path: '^lambdas/core/' },
      to: { path: '^graphql/generated/' },
    },
    {
      name: 'adapters-do-not-import-handlers',
      severity: 'error',
      from: { path: '^lambdas/adapters/' },
      to: { path: '^(bin|lib|local|web|bench|test)/|^lambdas/handlers/' },
    },
    {
      name: 'handlers-stay-in-lambdas',
      severity: 'error',
      from: { path: '^lambdas/handlers/' },
      to: { path: '^(bin|lib|local|web|bench|test)/' },
    },
    {
      name: 'lib-imports-the-contract-only',
      comment: 'The CDK app names handler entry files by path; it imports no Lambda code.',
      severity: 'error',
      from: { path: '^(bin|lib)/' },
      to: { path: '^(lambdas|local|web|bench|test)/', pathNot: CONTRACT },
    },
    {
      name: 'local-imports-the-contract-and-handler-entries',
      comment:
        'The local cloud runs the deployed functions as they are: through their entry files and composition roots, never the core, the adapters or other handler internals (type-only imports included).',
      severity: 'error',
      from: { path: '^local/' },
      to: {
        path: '^(bin|lib|lambdas|web|bench|test)/',
        pathNot: [CONTRACT, HANDLER_ENTRIES, COMPOSITION_ROOTS, CDK_APP],
      },
    },
    {
      name: 'cli-imports-the-contract-only',
      comment:
        'The team command line (bin/cli) is a client of the API like the SPA: the contract and nothing else of ours, not the CDK app beside it.',
      severity: 'error',
      from: { path: '^bin/cli/' },
      to: { path: '^(lib|lambdas|local|web|bench|test)/|^bin/(?!cli/)', pathNot: CONTRACT },
    },
    {
      name: 'cdk-app-does-not-import-the-cli',
      comment: 'The CDK app and the command line share only the contract.',
      severity: 'error',
      from: { path: '^(lib/|bin/[^/]+$)' },
      to: { path: '^bin/cli/' },
    },
    {
      name: 'web-imports-the-contract-only',
      severity: 'error',
      from: { path: '^web/' },
      to: { path: '^(bin|lib|lambdas|local|bench|test)/', pathNot: CONTRACT },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|cdk\\.out|web/dist|coverage|\\.team-local)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
      extensions: ['.ts', '.tsx', '.js', '.json'],
    },
    moduleSystems: ['es6', 'cjs'],
  },
};
