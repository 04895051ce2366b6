// The main behaviours through the VS Code API, inside a desktop VS Code's extension host
// (started by ../runTests.ts on a copy of examples/). The numbers are worked out by hand from the
// example files, as in test/e2e/scenarios.ts. A small sequential runner: the extension host loads
// this module and calls run(); a rejection fails the run.

import assert from 'node:assert/strict';
import { appendFileSync } from 'node:fs';
import * as vscode from 'vscode';

const EXTENSION_ID = 'convlens.convlens';

interface Case {
  name: string;
  fn: () => Promise<void>;
}

const cases: Case[] = [];
const test = (name: string, fn: () => Promise<void>) => cases.push({ name, fn });

async function poll<T>(what: string, read: () => Thenable<T> | Promise<T> | T, accept: (v: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const started = Date.now();
  let last: T | undefined;
  for (;;) {
    last = await read();
    if (accept(last)) return last;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(last)?.slice(0, 1000)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * A provider command (`vscode.execute…Provider`). The editor cancels such a request when the
 * document changes while it runs (e.g. the model's own edits settling); that is not an answer,
 * so the request is made again, for up to 10 s.
 */
async function execute<T>(command: string, ...args: unknown[]): Promise<T> {
  const started = Date.now();
  for (;;) {
    try {
      return await vscode.commands.executeCommand<T>(command, ...args);
    } catch (error) {
      const cancelled = error instanceof Error && (error.name === 'Canceled' || error.message === 'Canceled');
      if (!cancelled || Date.now() - started > 10_000) throw error;
    }
  }
}

function workspaceFile(name: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the suite needs the examples workspace open');
  return vscode.Uri.joinPath(folder.uri, name);
}

async function open(name: string): Promise<vscode.TextDocument> {
  const doc = await vscode.workspace.openTextDocument(workspaceFile(name));
  await vscode.window.showTextDocument(doc);
  return doc;
}

/** 0-based line of the first line containing `text` (below the first containing `after`). */
function lineOf(doc: vscode.TextDocument, text: string, after?: string): number {
  const lines = doc.getText().split('\n');
  const from = after ? lines.findIndex((l) => l.includes(after)) : 0;
  const i = lines.findIndex((l, n) => n >= from && l.includes(text));
  assert.ok(i >= 0, `"${text}" not in ${doc.uri.path}`);
  return i;
}

async function lensTitles(doc: vscode.TextDocument, line: number): Promise<string[]> {
  const lenses = await execute<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri, 100);
  return (lenses ?? []).filter((l) => l.range.start.line === line).map((l) => l.command?.title ?? '');
}

function hoverText(hovers: vscode.Hover[] | undefined): string {
  return (hovers ?? [])
    .flatMap((h) => h.contents)
    .map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))
    .join('\n');
}

const convlensDiagnostics = (uri: vscode.Uri) => vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'convlens');
const codeOf = (d: vscode.Diagnostic) => (typeof d.code === 'object' && d.code !== null ? String(d.code.value) : String(d.code));

test('activates on a Python file and registers its commands', async () => {
  await open('fcn.py');
  const extension = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is not loaded`);
  await poll('activation', () => extension.isActive, (a) => a);
  const commands = await vscode.commands.getCommands(true);
  for (const c of ['convlens.setInputShape', 'convlens.showLayerTable', 'convlens.openPreview']) assert.ok(commands.includes(c), `${c} missing`);
  // ConvLens never runs user code, so it declares itself fit for restricted mode.
  const manifest = extension.packageJSON as { capabilities?: { untrustedWorkspaces?: { supported?: unknown } } };
  assert.equal(manifest.capabilities?.untrustedWorkspaces?.supported, true);
  // Start-up, measured by the extension itself (its API): reported with the results.
  const api = extension.exports as { startupTimes?: () => { activateMs?: number; serverReadyMs?: number; firstAnalysisMs?: number } };
  const times = await poll('the first analysis', () => api.startupTimes?.() ?? {}, (t) => t.firstAnalysisMs !== undefined);
  for (const [name, ms] of Object.entries(times)) assert.ok(Number.isFinite(ms) && ms >= 0, `${name}: ${ms}`);
  assert.ok(times.serverReadyMs! <= times.activateMs!, JSON.stringify(times));
  report(`startup: activate ${times.activateMs} ms, language server ready ${times.serverReadyMs} ms, first analysis ${times.firstAnalysisMs} ms (from activation)`);
});

test('code lenses: FCN-8s upscore2 and the model summary', async () => {
  const doc = await open('fcn.py');
  // 256×256 through five 2×2 max pools: 8×8 at jump 32; upscore2 (k4, s2) gives 21×16×16, jump 16.
  const titles = await poll('the upscore2 lens', () => lensTitles(doc, lineOf(doc, 'self.upscore2 =')), (t) => t.some((x) => x.startsWith('→ 21×16×16 · rf ')));
  assert.match(titles.join(' | '), /→ 21×16×16 · rf \d+ · jump 16 · 7\.06K params/);
  const model = await lensTitles(doc, lineOf(doc, 'class FCN8s'));
  assert.ok(model.some((t) => t.includes('1×3×256×256 → 1×21×256×256')), model.join(' | '));
});

test('hover on a layer: shape, receptive field and jump', async () => {
  const doc = await open('fcn.py');
  const line = lineOf(doc, 'self.upscore2 =');
  const position = new vscode.Position(line, doc.lineAt(line).text.indexOf('upscore2') + 2);
  const text = await poll(
    'the upscore2 hover',
    async () => hoverText(await execute<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, position)),
    (t) => t.includes('receptive field'),
  );
  assert.match(text, /1×21×8×8`? → `?1×21×16×16/, text);
  assert.match(text, /jump\W+16\b/, text);
});

test('diagnostics: uneven overlap in the VAE decoder, nothing for the even k4 s2 / k2 s2 layers', async () => {
  const vae = await open('vae_decoder.py');
  const fcn = await open('fcn.py');
  const unet = await open('unet.py');
  const uneven = await poll('the uneven-overlap warnings', () => convlensDiagnostics(vae.uri).filter((d) => codeOf(d) === 'uneven-overlap'), (d) => d.length === 2);
  // Four 3×3 stride-2 layers made on one line (one problem, ×4), plus the warning for their stack.
  assert.match(uneven[0].message, /^ConvTranspose2d ×4 \[deconvs\.0, deconvs\.3, deconvs\.6, deconvs\.9\] \(kernel 3×3, stride 2×2\)/, uneven[0].message);
  assert.match(uneven[1].message, /^The 4 stacked transposed convolutions ending at deconvs\.9/, uneven[1].message);
  const line = lineOf(vae, 'nn.ConvTranspose2d(channels');
  for (const d of uneven) {
    assert.equal(d.range.start.line, line);
    assert.equal(d.severity, vscode.DiagnosticSeverity.Warning);
  }
  // Give the other two files the same time to be analysed before asserting nothing came.
  await poll('the FCN lenses', () => lensTitles(fcn, lineOf(fcn, 'self.upscore2 =')), (t) => t.length > 0);
  await poll('the U-Net lenses', () => lensTitles(unet, lineOf(unet, 'self.up = nn.ConvTranspose2d')), (t) => t.length > 0);
  assert.deepEqual(convlensDiagnostics(fcn.uri), []);
  assert.deepEqual(convlensDiagnostics(unet.uri), []);
});

test('quick fix "Use kernel_size=4" clears the warnings and keeps the output shapes', async () => {
  const doc = await open('vae_decoder.py');
  const line = lineOf(doc, 'nn.ConvTranspose2d(channels');
  const before = (await lensTitles(doc, line)).find((t) => t.startsWith('×4 · →'));
  assert.ok(before, 'no lens on the transposed convolution');
  const warning = (await poll('the warnings', () => convlensDiagnostics(doc.uri), (d) => d.some((x) => codeOf(x) === 'uneven-overlap'))).find((x) => codeOf(x) === 'uneven-overlap')!;
  const actions = await execute<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, warning.range, vscode.CodeActionKind.QuickFix.value);
  const fix = (actions ?? []).find((a) => a.title.startsWith('Use kernel_size=4'));
  assert.ok(fix?.edit, `no "Use kernel_size=4" among ${(actions ?? []).map((a) => a.title).join(' | ')}`);
  const applied = Date.now();
  assert.ok(await vscode.workspace.applyEdit(fix.edit));
  // A liveness bound, not a speed check (the bench measures speed): generous for loaded machines.
  await poll('the warnings to go', () => convlensDiagnostics(doc.uri), (d) => !d.some((x) => codeOf(x) === 'uneven-overlap'), 20_000);
  report(`  warnings gone ${Date.now() - applied} ms after the edit`);
  assert.match(doc.lineAt(line).text, /kernel_size=4, stride=2, padding=1/);
  const shapes = (t: string) => /→ ([^·]+)/.exec(t)?.[1].trim();
  const after = await poll('the lens without the warning', () => lensTitles(doc, line), (t) => t.length === 1 && t[0] !== before);
  assert.equal(shapes(after[0]), shapes(before));
  assert.equal(shapes(before), '128×8×8 … 16×64×64');
  await vscode.commands.executeCommand('workbench.action.files.revert');
});

test('inlay hints: tensor shapes in forward', async () => {
  const doc = await open('fcn.py');
  const line = lineOf(doc, 'score = self.score_fr(', 'class FCN8s');
  const hints = await poll(
    'the inlay hints',
    async () => (await execute<vscode.InlayHint[]>('vscode.executeInlayHintProvider', doc.uri, new vscode.Range(line, 0, line + 1, 0))) ?? [],
    (h) => h.length > 0,
  );
  const labels = hints.map((h) => (typeof h.label === 'string' ? h.label : h.label.map((p) => p.value).join('')));
  // pool5 is 1×256×8×8; score_fr maps it to 21 classes.
  assert.ok(labels.some((l) => l.includes('1×21×8×8')), labels.join(' | '));
});

test('Show Layer Table opens the CLI table of the active file, read-only', async () => {
  await open('fcn.py');
  await vscode.commands.executeCommand('convlens.showLayerTable');
  const doc = await poll('the layer table', () => vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'convlens-table'), (d) => !!d && d.getText().includes('upscore2'));
  assert.equal(doc!.isDirty, false);
  const text = doc!.getText();
  assert.match(text, /upscore2\s+ConvTranspose2d\s+\[1, 21, 16, 16\]/, text.slice(0, 2000));
  await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
});

/** Where the report goes besides the console: CONVLENS_TEST_LOG names a file (extension hosts
 *  whose console nobody reads, such as a remote one). */
function report(line: string): void {
  console.log(line);
  const file = process.env.CONVLENS_TEST_LOG;
  if (file) appendFileSync(file, `${line}\n`);
}

export async function run(): Promise<void> {
  const failures: string[] = [];
  for (const c of cases) {
    const started = Date.now();
    try {
      await c.fn();
      report(`  ✔ ${c.name} (${Date.now() - started} ms)`);
    } catch (error) {
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
      report(`  ✘ ${c.name} (${Date.now() - started} ms)\n${message}`);
      failures.push(c.name);
    }
  }
  report(`${cases.length - failures.length}/${cases.length} passed`);
  if (failures.length) throw new Error(`${failures.length} failed: ${failures.join('; ')}`);
}
