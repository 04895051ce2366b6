// The end-to-end suite: packages the extension (npm run package), installs the .vsix into a fresh
// code-server on 127.0.0.1 for every session, opens a workspace made of copies of examples/, and
// drives the real VS Code workbench with playwright-core and Debian chromium. Each scenario
// asserts text read from the DOM, saves a screenshot under test/e2e/artifacts/ and is timed.
//
// usage: npm run test:e2e -- [--repeat N] [--only 1,2] [--vsix FILE] [--keep]
//   --repeat N   run everything N times in a row (no retries); fails if any run fails
//   --only ids   only these scenarios
//   --vsix FILE  test this package instead of building one
//   --keep       keep the temporary code-server folders (printed)
// Needs test/e2e/setup.sh to have run once (it installs code-server, Node 24 and chromium).

import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { languageServerPids, startCodeServer, toolsReady, type CodeServer } from './codeServer';
import { scenarios, screenshotName, type Scenario, type ScenarioContext, type SessionKind } from './scenarios';
import { vsixEntries } from './vsix';
import { Workbench } from './workbench';

const ROOT = resolve(import.meta.dirname, '../..');
const ARTIFACTS = resolve(import.meta.dirname, 'artifacts');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
// The issue's budget: 10 MB.
const VSIX_BUDGET = 10_000_000;

interface Options {
  repeat: number;
  only: Set<string> | null;
  vsix: string | null;
  keep: boolean;
}

function parseArgs(argv: string[]): Options {
  const o: Options = { repeat: 1, only: null, vsix: null, keep: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--repeat') o.repeat = Math.max(1, Number(argv[++i]));
    else if (a === '--only') o.only = new Set(argv[++i].split(','));
    else if (a === '--vsix') o.vsix = resolve(argv[++i]);
    else if (a === '--keep') o.keep = true;
    else throw new Error(`unknown argument ${a}`);
  }
  if (!Number.isInteger(o.repeat)) throw new Error('--repeat needs a whole number');
  return o;
}

interface Result {
  run: number;
  scenario: Scenario;
  ok: boolean;
  ms: number;
  error?: string;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

function packageExtension(): string {
  const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { name: string; version: string };
  const started = Date.now();
  execFileSync('npm', ['run', '--silent', 'package'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  const vsix = join(ROOT, `${manifest.name}-${manifest.version}.vsix`);
  console.log(`packaged ${vsix} in ${seconds(Date.now() - started)}`);
  return vsix;
}

/** The package is what users get: within budget, the bundles in, no sources, maps or node_modules. */
function checkPackage(vsix: string): void {
  const size = statSync(vsix).size;
  const entries = vsixEntries(vsix);
  const names = entries.map((e) => e.name);
  const problems: string[] = [];
  if (size > VSIX_BUDGET) problems.push(`${size} bytes, over the ${VSIX_BUDGET}-byte budget`);
  for (const needed of ['extension/package.json', 'extension/dist/extension.js', 'extension/dist/server.js', 'extension/dist/server-main.js', 'extension/media/icon.png']) {
    if (!names.includes(needed)) problems.push(`${needed} missing`);
  }
  const stray = names.filter((n) => /\.(map|ts)$/.test(n) || n.includes('node_modules/') || /^extension\/(server|client|test|bench|examples|scripts)\//.test(n));
  if (stray.length) problems.push(`should not ship: ${stray.join(', ')}`);
  if (problems.length) throw new Error(`package check failed: ${problems.join('; ')}`);
  console.log(`package: ${(size / 1e6).toFixed(2)} MB, ${entries.length} entries (budget ${VSIX_BUDGET / 1e6} MB)`);
}

interface SessionSpec {
  trusted: boolean;
  chromiumArgs: string[];
  codeServerArgs?: string[];
}

const SESSIONS: Record<SessionKind, SessionSpec> = {
  trusted: { trusted: true, chromiumArgs: CHROMIUM_ARGS },
  restricted: { trusted: false, chromiumArgs: CHROMIUM_ARGS },
  // The window can load an extension under development and run its tests (URL payload).
  api: { trusted: true, chromiumArgs: CHROMIUM_ARGS, codeServerArgs: ['--vscode-option', 'enable-smoke-test-driver'] },
  // A software WebGPU adapter (SwiftShader) for the preview; without the flag there is none.
  webgpu: { trusted: true, chromiumArgs: [...CHROMIUM_ARGS, '--enable-unsafe-webgpu'] },
};

async function launchBrowser(stateDir: string, args: string[]): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args,
    env: { ...process.env, XDG_CONFIG_HOME: join(stateDir, 'chromium/config'), XDG_CACHE_HOME: join(stateDir, 'chromium/cache') },
  });
}

/** Files named `name` under `dir`, at any depth. */
function filesNamed(dir: string, name: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && entry.name === name) found.push(join(entry.parentPath, entry.name));
  }
  return found;
}

/** What a failed scenario leaves to read in CI's output: the language servers running and the
 *  tail of the ConvLens output channel (the client's restarts, the server's errors). */
function failureContext(root: string, server: CodeServer): string {
  const lines = [`language server processes: ${languageServerPids(server).join(', ') || 'none'}`];
  try {
    const logs = join(root, 'user-data', 'logs');
    for (const log of [...filesNamed(logs, 'ConvLens.log'), ...filesNamed(logs, 'ConvLens Python environment.log')]) {
      const tail = readFileSync(log, 'utf8').trimEnd().split('\n').slice(-25);
      lines.push(`${log.slice(root.length)} (last ${tail.length} lines):`, ...tail.map((l) => `  ${l.slice(0, 400)}`));
    }
  } catch (error) {
    lines.push(`no ConvLens log: ${String(error)}`);
  }
  return lines.join('\n');
}

/** One workbench: a fresh code-server and browser, the session's scenarios in order. */
async function runSession(run: number, kind: SessionKind, list: Scenario[], vsix: string, shots: string, keep: boolean): Promise<Result[]> {
  const results: Result[] = [];
  const root = mkdtempSync(join(tmpdir(), `convlens-e2e-${kind}-`));
  const workspace = join(root, 'workspace');
  mkdirSync(workspace);
  for (const f of readdirSync(join(ROOT, 'examples'))) if (f.endsWith('.py')) cpSync(join(ROOT, 'examples', f), join(workspace, f));
  // A file of generators and losses (scenario choose-model), there before the workbench indexes the
  // folder: Quick Open may not list a file created while it runs.
  cpSync(join(ROOT, 'test/fixtures/projects/pychoice_pix2pix/models/networks.py'), join(workspace, 'edmodels_networks.py'));
  // A U-Net split into a model file and a file of parts, with its training script (scenario parts).
  cpSync(join(ROOT, 'test/fixtures/projects/pychoice_unet'), join(workspace, 'unet_project'), { recursive: true });
  // A CIFAR ResNet with a test() and no input directive (scenario guess).
  cpSync(join(ROOT, 'test/fixtures/styles/guess_cifar_resnet.py'), join(workspace, 'cifar_resnet.py'));
  let server: CodeServer | null = null;
  let browser: Browser | null = null;
  const started = Date.now();
  try {
    const spec = SESSIONS[kind];
    server = await startCodeServer({
      root,
      workspace,
      vsix,
      trusted: spec.trusted,
      log: join(shots, `code-server-${kind}.log`),
      extraArgs: spec.codeServerArgs,
      env: { CONVLENS_TEST_LOG: join(root, 'api-suite.log') },
    });
    browser = await launchBrowser(root, spec.chromiumArgs);
    const page = await (await browser.newContext({ viewport: { width: 1400, height: 900 } })).newPage();
    const wb = new Workbench(page);
    // The api session's scenario opens its own window (with the test payload): no second
    // extension host and language server from a window it would leave.
    if (kind !== 'api') await wb.load(server.url, workspace);
    console.log(`  [${kind}] code-server + workbench ready in ${seconds(Date.now() - started)} (${server.url})`);
    const ctx: ScenarioContext = {
      wb,
      server,
      file: (name) => join(workspace, name),
      stateDir: root,
      note: (text) => console.log(text.replace(/^/gm, '      ')),
    };
    for (const s of list) {
      wb.shots = { dir: shots, prefix: `${s.id}` };
      const t0 = Date.now();
      try {
        await s.run(ctx);
        const ms = Date.now() - t0;
        await wb.screenshot(join(shots, screenshotName(s)));
        results.push({ run, scenario: s, ok: true, ms });
        console.log(`  ✔ ${s.id} ${s.name} (${seconds(ms)})`);
      } catch (error) {
        const ms = Date.now() - t0;
        await wb.screenshot(join(shots, screenshotName(s, '-FAILED'))).catch(() => undefined);
        const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
        results.push({ run, scenario: s, ok: false, ms, error: message });
        console.log(`  ✘ ${s.id} ${s.name} (${seconds(ms)})\n${message.replace(/^/gm, '      ')}`);
        // CI keeps only what is printed: the extension's own log says what the client and the
        // server did (restarts, errors) when the page showed nothing.
        console.log(failureContext(root, server).replace(/^/gm, '      '));
      }
    }
  } catch (error) {
    // The session could not start: every scenario of it fails.
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    console.log(`  ✘ [${kind}] session failed to start: ${message}`);
    for (const s of list) if (!results.some((r) => r.scenario === s)) results.push({ run, scenario: s, ok: false, ms: 0, error: message });
  } finally {
    await browser?.close().catch(() => undefined);
    await server?.stop();
    // The workbench's and extension host's logs (the ConvLens output channel among them) go with
    // the screenshots when something failed.
    if (results.some((r) => !r.ok)) {
      try {
        cpSync(join(root, 'user-data', 'logs'), join(shots, `logs-${kind}`), { recursive: true });
      } catch {
        // no logs written
      }
    }
    if (keep) console.log(`  kept ${root}`);
    else rmSync(root, { recursive: true, force: true });
  }
  return results;
}

function summary(results: Result[], runs: number): void {
  console.log('\nscenario timings (s): min / median / max over runs');
  const ids = scenarios.map((s) => s.id).filter((id) => results.some((r) => r.scenario.id === id));
  for (const id of ids) {
    const mine = results.filter((r) => r.scenario.id === id);
    const ms = mine.map((r) => r.ms).sort((a, b) => a - b);
    const ok = mine.filter((r) => r.ok).length;
    const median = ms[Math.floor(ms.length / 2)];
    console.log(`  ${id.padEnd(9)}${mine[0].scenario.name.padEnd(46)} ${(ms[0] / 1000).toFixed(1)} / ${(median / 1000).toFixed(1)} / ${(ms[ms.length - 1] / 1000).toFixed(1)}   ${ok}/${mine.length} passed`);
  }
  const failedRuns = new Set(results.filter((r) => !r.ok).map((r) => r.run));
  console.log(`\nruns passed: ${runs - failedRuns.size}/${runs}${failedRuns.size ? ` (failed: ${[...failedRuns].join(', ')})` : ''}`);
}

async function main(): Promise<number> {
  const options = parseArgs(process.argv.slice(2));
  const missing = toolsReady();
  if (missing) {
    console.error(`e2e: ${missing}; run test/e2e/setup.sh once first`);
    return 1;
  }
  const vsix = options.vsix ?? packageExtension();
  checkPackage(vsix);
  const chosen = scenarios.filter((s) => !options.only || options.only.has(s.id));
  rmSync(ARTIFACTS, { recursive: true, force: true });
  const results: Result[] = [];
  const suiteStarted = Date.now();
  for (let run = 1; run <= options.repeat; run++) {
    const shots = join(ARTIFACTS, `run-${run}`);
    mkdirSync(shots, { recursive: true });
    const runStarted = Date.now();
    console.log(`\nrun ${run}/${options.repeat}`);
    for (const kind of Object.keys(SESSIONS) as SessionKind[]) {
      const list = chosen.filter((s) => s.session === kind);
      if (list.length) results.push(...(await runSession(run, kind, list, vsix, shots, options.keep)));
    }
    console.log(`  run ${run}: ${seconds(Date.now() - runStarted)}`);
  }
  summary(results, options.repeat);
  console.log(`total ${seconds(Date.now() - suiteStarted)}; screenshots in ${ARTIFACTS}`);
  writeFileSync(join(ARTIFACTS, 'results.json'), JSON.stringify(results.map((r) => ({ run: r.run, scenario: r.scenario.id, name: r.scenario.name, ok: r.ok, ms: r.ms, error: r.error })), null, 2));
  return results.every((r) => r.ok) ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
