// `npm run mutation [-- FILE...] [-- --report]`: StrykerJS on the engine's operators, geometry.ts
// and the quick fixes, one target file at a time with only the test files that exercise it (a
// mutant is run against the files that reach it, fastest first, until one fails). Each target
// keeps its own incremental file under reports/mutation/, so a rerun re-tests only mutants whose
// code or tests changed. Prints the mutation score per file and overall, from every target's
// latest JSON report. Not part of `npm test` (hours for everything on a small machine).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..');
const REPORTS = join(ROOT, 'reports', 'mutation');

// Fast files first: a mutant stops at the first test file that kills it.
const OPS_TESTS = [
  'test/unit/mo-ops-golden.test.ts',
  'test/oracle/mg-layer-cases.test.ts',
  'test/unit/mg-opsLayers.test.ts',
  'test/unit/ops-layers.test.ts',
  'test/unit/ops-functions.test.ts',
  'test/unit/ops-functions-golden.test.ts',
  'test/unit/geometry.test.ts',
  'test/unit/ops-losses-golden.test.ts',
  'test/unit/smallValues-golden.test.ts',
  'test/oracle/ops-layers-torch.test.ts',
  'test/oracle/geometry-bruteforce.test.ts',
  'test/oracle/ops-functions-ort.test.ts',
  'test/unit/mob-ops-golden.test.ts',
  'test/unit/mob-opsCommon.test.ts',
  'test/unit/mob-smallValues-golden.test.ts',
  'test/unit/moa-ops-golden.test.ts',
  'test/unit/signatures-golden.test.ts',
  'test/unit/activation-describe-golden.test.ts',
  'test/unit/softmaxGeometry.test.ts',
  // Real autograd on the footprints where branches merge (elementwise.ts's mergeGeometry).
  'test/oracle/gridding-footprint.test.ts',
  // smallValues.ts's rounding helpers against exact rational arithmetic.
  'test/unit/smallValues-rounding.test.ts',
];
const GEOMETRY_TESTS = [
  'test/unit/geometryMutation.test.ts',
  'test/unit/geometry.test.ts',
  'test/unit/ops-layers.test.ts',
  'test/oracle/ops-layers-torch.test.ts',
  'test/oracle/geometry-bruteforce.test.ts',
  // Real autograd on the gridding footprints (geometry-torch.test.ts reads examples/, which the
  // sandbox does not copy).
  'test/oracle/gridding-footprint.test.ts',
];
// New files go at the end of a list: the tap runner gives each test file its position as id ("0",
// "1", … in the incremental file); with one file put first, Stryker saw every test as changed
// ("+7 -6") and reused 29 of 730 codeActions.ts results.
const CODE_ACTION_TESTS = ['test/unit/codeActionsRefusals.test.ts', 'test/unit/codeActionsInput.test.ts', 'test/unit/codeActionsExact.test.ts', 'test/unit/codeActionsTargets.test.ts', 'test/unit/codeActions.test.ts', 'test/unit/codeActionsVariants.test.ts', 'test/unit/codeActionsMore.test.ts', 'test/unit/codeActionsReanalysis.test.ts'];

function targets() {
  const ops = readdirSync(join(ROOT, 'server/src/engine/ops'))
    .filter((f) => f.endsWith('.ts'))
    .sort()
    .map((f) => ({ file: `server/src/engine/ops/${f}`, tests: OPS_TESTS }));
  return [
    { file: 'server/src/engine/geometry.ts', tests: GEOMETRY_TESTS },
    { file: 'server/src/lsp/codeActions.ts', tests: CODE_ACTION_TESTS },
    // All operator files in one Stryker run: one sandbox, one build and one dry run instead of 31.
    { file: OPS_DIR, tests: OPS_TESTS },
    ...ops,
  ];
}
const OPS_DIR = 'server/src/engine/ops';

// `FILE:10-80` mutates those lines only (a long file in chunks, each with its own report).
const slugOf = (target) => target === OPS_DIR ? 'engine_ops' : target.replace(/^server\/src\//, '').replace(/\.ts(?=$|:)/, '').replaceAll('/', '_').replace(':', '@');
const fileOf = (target) => target.replace(/:\d+-\d+$/, '');

function run(target, mutate) {
  const tests = target.tests.filter((t) => existsSync(join(ROOT, t)));
  console.log(`\n=== ${mutate} (${tests.length} test files)`);
  // Some tests read the shared fixtures beside the checkout (../shared); the sandbox sits one
  // folder deeper (.stryker-tmp/sandbox-*), so the same relative path must lead there too.
  const tmp = join(ROOT, '.stryker-tmp');
  mkdirSync(tmp, { recursive: true });
  if (existsSync(join(ROOT, '..', 'shared')) && !existsSync(join(tmp, 'shared'))) symlinkSync(join('..', '..', 'shared'), join(tmp, 'shared'));
  forgetStaleResults(slugOf(mutate));
  const glob = mutate === OPS_DIR ? `${OPS_DIR}/*.ts` : mutate;
  const r = spawnSync(process.execPath, [strykerBin(), 'run', 'stryker.config.mjs', '--mutate', glob], {
    cwd: ROOT,
    stdio: 'inherit',
    env: { ...process.env, MUTATION_TESTS: tests.join(','), MUTATION_SLUG: slugOf(mutate) },
  });
  if (r.status !== 0) console.error(`stryker exited with ${r.status} for ${mutate}`);
}

// Stryker's incremental mode reuses a mutant's result while its code and its test files are
// unchanged, but the tests read their expected values from test/golden/ at run time: a golden
// case added since would go unseen (a mutant it kills still reported as surviving). The goldens'
// hash is kept beside each incremental file; when they change, the target is measured afresh.
function goldensHash() {
  const hash = createHash('sha256');
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else hash.update(path).update(readFileSync(path));
    }
  };
  walk(join(ROOT, 'test', 'golden'));
  return hash.digest('hex');
}

function forgetStaleResults(slug) {
  mkdirSync(REPORTS, { recursive: true });
  const stamp = join(REPORTS, `${slug}.goldens`);
  const now = goldensHash();
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') !== now) {
    console.log(`the goldens changed since ${slug}'s last run: measuring it afresh`);
    rmSync(join(REPORTS, `${slug}.incremental.json`), { force: true });
  }
  writeFileSync(stamp, now);
}

// StrykerJS is installed on first use into .stryker-tools/ (git-ignored), pinned, not as a
// devDependency: `npm ci` and CI never fetch its ~130 packages for a tool they do not run.
const STRYKER_VERSION = '9.6.1';
function strykerBin() {
  const tools = join(ROOT, '.stryker-tools');
  const bin = join(tools, 'node_modules/@stryker-mutator/core/bin/stryker.js');
  if (existsSync(bin)) return bin;
  console.log(`installing StrykerJS ${STRYKER_VERSION} into .stryker-tools/ (once)`);
  mkdirSync(tools, { recursive: true });
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const r = spawnSync(npm, ['install', '--no-save', '--no-package-lock', '--prefix', tools,
    `@stryker-mutator/core@${STRYKER_VERSION}`, `@stryker-mutator/tap-runner@${STRYKER_VERSION}`], { cwd: tools, stdio: 'inherit' });
  if (r.status !== 0 || !existsSync(bin)) throw new Error('could not install StrykerJS (npm install failed)');
  return bin;
}

// Stryker's own definition: detected (killed, timeout) over valid (detected, survived, no coverage).
function table() {
  if (!existsSync(REPORTS)) return console.log('no reports yet');
  const rows = [];
  const names = readdirSync(REPORTS).filter((n) => n.endsWith('.json') && !n.endsWith('.incremental.json')).sort();
  // Reports overlap: the ops folder's report holds every operator file, a file's own report one of
  // them, a line range's report part of one. Per source file the newest whole-file result counts;
  // a file never run whole is summed from its range reports.
  const whole = new Map(); // source file -> { mtime, mutants }
  const ranges = new Map(); // source file -> mutants[]
  for (const f of names) {
    const report = JSON.parse(readFileSync(join(REPORTS, f), 'utf8'));
    const mtime = statSync(join(REPORTS, f)).mtimeMs;
    for (const [file, { mutants }] of Object.entries(report.files)) {
      if (f.includes('@')) ranges.set(file, [...(ranges.get(file) ?? []), ...mutants]);
      else if (!whole.has(file) || whole.get(file).mtime < mtime) whole.set(file, { mtime, mutants });
    }
  }
  const files = [...new Set([...whole.keys(), ...ranges.keys()])].sort();
  for (const file of files) {
    const mutants = whole.get(file)?.mutants ?? ranges.get(file);
    const c = { Killed: 0, Timeout: 0, Survived: 0, NoCoverage: 0 };
    for (const m of mutants) if (m.status in c) c[m.status]++;
    rows.push({ file, ...c });
  }
  // Stryker counts a timeout as detected. Under load a slow survivor can time out (its time
  // limit comes from a dry run at another load), so the killed-only score is printed beside it.
  const score = (r, detected = r.Killed + r.Timeout) => {
    const valid = r.Killed + r.Timeout + r.Survived + r.NoCoverage;
    return valid ? ((100 * detected) / valid).toFixed(2) : 'n/a';
  };
  const all = rows.reduce((a, r) => ({ file: 'All files', Killed: a.Killed + r.Killed, Timeout: a.Timeout + r.Timeout, Survived: a.Survived + r.Survived, NoCoverage: a.NoCoverage + r.NoCoverage }), { Killed: 0, Timeout: 0, Survived: 0, NoCoverage: 0 });
  const w = Math.max(9, ...rows.map((r) => r.file.length));
  console.log(`\n${'file'.padEnd(w)}  score% killed% killed timeout survived no-cov`);
  for (const r of [...rows, all]) {
    console.log(`${r.file.padEnd(w)} ${String(score(r)).padStart(7)} ${String(score(r, r.Killed)).padStart(7)} ${String(r.Killed).padStart(6)} ${String(r.Timeout).padStart(7)} ${String(r.Survived).padStart(8)} ${String(r.NoCoverage).padStart(6)}`);
  }
}

const args = process.argv.slice(2);
const reportOnly = args.includes('--report');
const chosen = args.filter((a) => !a.startsWith('--'));
if (!reportOnly) {
  const all = targets();
  const unknown = chosen.filter((c) => !all.some((t) => t.file === fileOf(c.replace(/\/$/, ''))));
  if (unknown.length) {
    console.error(`not a mutation target: ${unknown.join(', ')}\ntargets: ${all.map((t) => t.file).join(' ')}`);
    process.exit(2);
  }
  if (!chosen.length) for (const t of all) run(t, t.file);
  for (const c of chosen.map((a) => a.replace(/\/$/, ''))) run(all.find((t) => t.file === fileOf(c)), c);
}
table();

