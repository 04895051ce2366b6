// StrykerJS configuration for `npm run mutation` (scripts/mutation.mjs). Not part of `npm test`:
// a full run takes hours on a small machine. The wrapper runs one target file at a time with
// only that file's test files (MUTATION_TESTS) and its own incremental file, so reruns re-test
// only mutants whose code or tests changed.
const tests = (process.env.MUTATION_TESTS ?? '').split(',').filter(Boolean);
const slug = process.env.MUTATION_SLUG ?? 'all';

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: 'npm',
  testRunner: 'tap',
  plugins: ['@stryker-mutator/tap-runner'],
  // Each test file is bundled once, after instrumentation, with the instrumented sources inside
  // (scripts/mutationBundle.mjs): plain node then runs it, without tsx's loader hooks.
  buildCommand: 'node scripts/mutationBundle.mjs',
  tap: {
    testFiles: tests.map((t) => t.replace(/\.ts$/, '.mut.cjs')),
    // node:test prints TAP when told to.
    nodeArgs: ['-r', '{{hookFile}}', '--test-reporter=tap', '{{testFile}}'],
  },
  // The tap runner treats each test file as one test: each mutant runs only the files that reach it.
  coverageAnalysis: 'perTest',
  mutate: ['server/src/engine/ops/*.ts', 'server/src/engine/geometry.ts', 'server/src/lsp/codeActions.ts'],
  // Only what the engine and these tests need goes into the sandbox.
  ignorePatterns: ['/*', '!/server', '!/test', '!/webview', '!/scripts', '!/package.json', '!/tsconfig.json', '/test/e2e', '/test/electron'],
  // One at a time by default, leaving a core to the editor; MUTATION_CONCURRENCY on an idle machine.
  concurrency: Number(process.env.MUTATION_CONCURRENCY ?? 1),
  // A timeout is netTime × factor + this: the tests a mutant runs take 0.1–2 s, and a mutant that
  // loops forever (a loop bound flipped) would otherwise hold the run 30 s each.
  timeoutMS: 10000,
  timeoutFactor: 2,
  incremental: true,
  incrementalFile: `reports/mutation/${slug}.incremental.json`,
  reporters: ['clear-text', 'progress-append-only', 'json'],
  jsonReporter: { fileName: `reports/mutation/${slug}.json` },
  clearTextReporter: { allowColor: false, logTests: false, reportMutants: true, reportScoreTable: true },
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};
