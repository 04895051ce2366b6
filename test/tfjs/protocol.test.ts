// TensorFlow.js files over the real protocol (`node dist/server.js --stdio`), opened as VS Code
// opens them (languageId typescript / javascript): hovers with N for the batch, code lenses, inlay
// hints, the uneven-overlap diagnostic of conv2dTranspose where TF.js's 'same' padding does not
// save it, and the input-shape command writing a // comment. Numbers are computed here from the
// layer arguments with TF.js's formulas.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { DidOpenTextDocumentNotification, DiagnosticSeverity, type CodeAction, type CodeLens, type TextEdit } from 'vscode-languageserver/node';
import { fileURLToPath } from 'node:url';
import { analyzeFile } from '../../server/src/engine/analyze';
import { SERVER_COMMANDS, type StatusParams } from '../../server/src/lsp/protocol';
import { LspClient, positionOf } from '../protocol/lspClient';

const MODELS = join(import.meta.dirname, 'models');
const WHOLE = { start: { line: 0, character: 0 }, end: { line: 10_000, character: 0 } };

let client: LspClient;
const applied: { edit: { changes?: Record<string, TextEdit[]> } }[] = [];
before(async () => {
  client = await LspClient.start({ initializationOptions: { setInputShapeCommand: 'convlens.setInputShape' } });
  client.connection.onRequest('workspace/applyEdit', (params: (typeof applied)[number]) => {
    applied.push(params);
    return { applied: true };
  });
});
after(async () => {
  assert.equal(await client.stop(), 0);
});

function fixture(name: string): { uri: string; text: string } {
  const path = join(MODELS, name);
  return { uri: pathToFileURL(path).toString(), text: readFileSync(path, 'utf8') };
}

async function open(uri: string, text: string, languageId: string): Promise<StatusParams> {
  const done = client.nextStatus(uri, 1);
  await client.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId, version: 1, text } });
  return done;
}

function lineOf(text: string, needle: string, occurrence = 1): number {
  return positionOf(text, needle, 0, occurrence).line;
}

function lensTitles(lenses: CodeLens[], line: number): string[] {
  return lenses.filter((l) => l.range.start.line === line).map((l) => l.command?.title ?? '');
}

/** Taps per output position over one period: i·s + t − p = o, brute force (DESIGN.md). */
function taps(k: number, s: number, p: number): number[] {
  return Array.from({ length: s }, (_, phase) => {
    const o = 10 * s + phase;
    let n = 0;
    for (let i = 0; i < 100; i++) for (let t = 0; t < k; t++) if (i * s + t - p === o) n++;
    return n;
  });
}

describe('a Keras-style classifier (model.add)', () => {
  const { uri, text } = fixture('cnn_classifier.ts');
  let status: StatusParams;
  before(async () => {
    status = await open(uri, text, 'typescript');
  });

  test('the status names the model, its input from the code', () => {
    assert.deepEqual(status.models.map((m) => [m.name, m.inputSource]), [['buildClassifier()', 'code']]);
  });

  test('hover on the first conv2d: shapes with N, kernel, rf, params, MACs', async () => {
    const p = positionOf(text, 'tf.layers.conv2d({', 3);
    const hover = await client.hoverText(uri, p.line, p.character);
    assert.match(hover, /\*\*Conv2D\*\* `conv2d_1` — `buildClassifier\(\)`/);
    // 'valid' 5×5 on 28×28: 24×24, 8 filters.
    assert.ok(hover.includes('`N×28×28×1` → `N×24×24×8`'), hover);
    assert.ok(hover.includes('| kernel · stride · padding · dilation | 5 · 1 · 0 · 1 |'), hover);
    assert.ok(hover.includes('| receptive field | 5 |'), hover);
    assert.ok(hover.includes(`| params | ${5 * 5 * 1 * 8 + 8} |`), hover);
    assert.ok(hover.includes(`| MACs | ${(24 * 24 * 8 * 5 * 5).toLocaleString('en-US')} (115K) |`), hover);
  });

  test("hover on a 'same' convolution shows TF.js's padding before", async () => {
    const p = positionOf(text, "padding: 'same'");
    const hover = await client.hoverText(uri, p.line, p.character);
    // 4×4 input after two pools, kernel 3, stride 1: total padding 2, 1 before.
    assert.ok(hover.includes('`N×4×4×16` → `N×4×4×32`'), hover);
    assert.ok(hover.includes('| kernel · stride · padding · dilation | 3 · 1 · 1 · 1 |'), hover);
  });

  test('code lenses: the model on its function, each layer on its model.add', async () => {
    const lenses = await client.codeLenses(uri);
    const model = lensTitles(lenses, lineOf(text, 'export function buildClassifier'));
    assert.equal(model.length, 1, JSON.stringify(model));
    assert.match(model[0]!, /N×28×28×1 → N×10$/);
    const conv = lensTitles(lenses, lineOf(text, 'model.add(tf.layers.conv2d({'));
    assert.deepEqual(conv, ['→ 24×24×8 · rf 5 · jump 1 · 208 params']);
    const pool = lensTitles(lenses, lineOf(text, 'model.add(tf.layers.maxPooling2d'));
    assert.deepEqual(pool, ['→ 12×12×8 · rf 6 · jump 2']);
  });

  test('inlay hints: the output of each model.add, with N', async () => {
    const hints = await client.inlayHints(uri, WHOLE);
    const dense = hints.find((h) => h.position.line === lineOf(text, "units: 128"));
    assert.ok(dense, JSON.stringify(hints.map((h) => [h.position, h.label])));
    assert.equal(dense.label, '→ N×128');
  });
});

describe('a DCGAN generator: uneven overlap', () => {
  const { uri, text } = fixture('dcgan_generator.ts');
  let diagnostics: { range: { start: { line: number } }; severity?: number; code?: string | number; message: string }[];
  before(async () => {
    const published = client.nextDiagnostics(uri, 1);
    await open(uri, text, 'typescript');
    diagnostics = (await published).diagnostics.map((d) => ({ ...d, message: typeof d.message === 'string' ? d.message : d.message.value }));
  });

  test("kernel 5, stride 2, 'same': a warning on each such layer, with TF.js's own phase", () => {
    const uneven = diagnostics.filter((d) => d.code === 'uneven-overlap' && !/stacked/.test(d.message));
    const lines = [lineOf(text, 'filters: 64, kernelSize: [5, 5], strides: [2, 2]'), lineOf(text, 'filters: 1, kernelSize: [5, 5]')];
    assert.deepEqual(uneven.map((d) => d.range.start.line), lines);
    // 'same' crops floor((k − s)/2) = 1 at the start.
    const pattern = taps(5, 2, 1);
    for (const d of uneven) {
      assert.equal(d.severity, DiagnosticSeverity.Warning);
      assert.ok(d.message.includes(`[${pattern.join(', ')}] × [${pattern.join(', ')}]`), d.message);
      assert.ok(d.message.includes('kernelSize: 6'), d.message);
    }
    assert.ok(!diagnostics.some((d) => d.range.start.line === lineOf(text, 'strides: [1, 1]')), 'stride 1 overlaps evenly');
  });

  test('no warning in the generator whose kernels divide their strides', () => {
    const start = lineOf(text, 'export function makeEvenGenerator');
    assert.deepEqual(diagnostics.filter((d) => d.range.start.line > start), []);
  });

  test('a lens warns above the uneven layers', async () => {
    const lenses = await client.codeLenses(uri);
    const line = lineOf(text, 'filters: 64, kernelSize: [5, 5], strides: [2, 2]');
    const titles = lensTitles(lenses, line);
    // kernel 5, stride 2 on both axes: 3 and 2 taps per axis, 9:4 over the 2-D period; the warning first.
    assert.equal(titles[0], '⚠ uneven overlap, max/min 9:4 — checkerboard', JSON.stringify(titles));
  });

  test('the quick fix: kernelSize [6, 6], checked by the engine — overlap even, every shape kept', async () => {
    const raw = client.diagnostics.get(uri)!.diagnostics;
    const line = lineOf(text, 'filters: 64, kernelSize: [5, 5], strides: [2, 2]');
    const target = raw.filter((d) => d.code === 'uneven-overlap' && d.range.start.line === line);
    assert.equal(target.length, 1);
    const actions = (await client.codeActions(uri, target[0]!.range, target)).filter((a): a is CodeAction => 'edit' in a && !!a.edit);
    const fix = actions.find((a) => a.title.startsWith('Use kernelSize'));
    assert.ok(fix, JSON.stringify(actions.map((a) => a.title)));
    // The effect, worked out by hand: 128→64 channels, no bias, 5×5 → 6×6 on a 7×7 input: params
    // grow by 128·64·(36−25) = 90,112; MACs (input elements · C_out · k², DESIGN.md) by 7·7·128·64·11.
    assert.equal(128 * 64 * (36 - 25), 90_112);
    assert.equal(7 * 7 * 128 * 64 * 11, 4_415_488);
    assert.equal(fix.title, 'Use kernelSize: [6, 6] (divisible by the strides: even overlap, same output shape) · +90.1K params, +4.42M MACs · same layers, new kernel shape');
    const edited = TextDocument.applyEdits(TextDocument.create(uri, 'typescript', 1, text), fix.edit!.changes![uri]!);
    assert.equal(edited.split('\n')[line], text.split('\n')[line]!.replace('kernelSize: [5, 5]', 'kernelSize: [6, 6]'));
    const before = analyzeFile({ file: fileURLToPath(uri), text, readFile: () => null });
    const after = analyzeFile({ file: fileURLToPath(uri), text: edited, readFile: () => null });
    assert.deepEqual(after.models.map((m) => m.layers.map((l) => l.out)), before.models.map((m) => m.layers.map((l) => l.out)));
    assert.ok(!after.diagnostics.some((d) => d.code === 'uneven-overlap' && d.line === line + 1));
    // Its own warning goes; the last layer's and the stack's (still uneven through it) stay.
    assert.equal(after.diagnostics.filter((d) => d.code === 'uneven-overlap').length, before.diagnostics.filter((d) => d.code === 'uneven-overlap').length - 1);
  });

  test('hover on the uneven layer shows the overlap', async () => {
    const p = positionOf(text, 'tf.layers.conv2dTranspose({ filters: 64');
    const hover = await client.hoverText(uri, p.line, p.character);
    const t = taps(5, 2, 1);
    assert.ok(hover.includes(`⚠ uneven, max/min ${Math.max(...t) ** 2}:${Math.min(...t) ** 2}: taps per output position [${t.join(', ')}] × [${t.join(', ')}]`), hover);
    // The same ratio as the diagnostic on that line says.
    const diagnostic = client.diagnostics.get(uri)!.diagnostics.find((d) => d.code === 'uneven-overlap' && d.range.start.line === p.line && !/stacked/.test(String(d.message)));
    assert.ok(diagnostic && String(diagnostic.message).includes(`max/min ${Math.max(...t) ** 2}:${Math.min(...t) ** 2}`), String(diagnostic?.message));
    assert.ok(hover.includes('`N×7×7×128` → `N×14×14×64`'), hover);
  });
});

describe('a functional U-Net: inlay hints on variables', () => {
  const { uri, text } = fixture('unet.ts');
  before(async () => {
    await open(uri, text, 'typescript');
  });

  test('a variable assigned in a loop shows the shape of every run', async () => {
    const hints = await client.inlayHints(uri, WHOLE);
    const at = positionOf(text, 'const merged');
    const hint = hints.find((h) => h.position.line === at.line && h.position.character === at.character + 'const merged'.length);
    assert.ok(hint, JSON.stringify(hints.map((h) => [h.position, h.label])));
    // Decoder stages at 16, 32, 64 and 128 pixels: the up-sampled half and the skip, concatenated.
    assert.equal(hint.label, ': N×16×16×256 (+3)');
    assert.deepEqual(hint.tooltip, { kind: 'markdown', value: 'N×16×16×256, N×32×32×128, N×64×64×64, N×128×128×32' });
  });

  test('hover on a layer made in the helper lists each of its instances', async () => {
    const p = positionOf(text, 'tf.layers.batchNormalization()');
    const hover = await client.hoverText(uri, p.line, p.character);
    assert.match(hover, /BatchNormalization/);
    // 9 convBlock calls, each with this layer once.
    assert.match(hover, /9 layers/);
  });
});

describe('other files', () => {
  test('a CommonJS .js file opened as javascript', async () => {
    const { uri, text } = fixture('commonjs_model.js');
    const status = await open(uri, text, 'javascript');
    assert.deepEqual(status.models.map((m) => [m.name, m.inputs]), [['model', [[1, 64, 64, 3]]]]);
  });

  test('a TypeScript file without TF.js: no models, no diagnostics', async () => {
    const uri = pathToFileURL(join(MODELS, 'not_a_model.ts')).toString();
    const published = client.nextDiagnostics(uri, 1);
    const status = await open(uri, 'export const add = (a: number, b: number) => a + b;\n', 'typescript');
    assert.equal(status.models.length, 0);
    assert.deepEqual((await published).diagnostics, []);
  });

  test('"set input shape" writes a // comment above the model in a TypeScript file', async () => {
    const { uri, text } = fixture('conv1d_signal.ts');
    await open(uri, text, 'typescript');
    const line = lineOf(text, 'export const model');
    await client.executeCommand(SERVER_COMMANDS.applyInputShape, [{ uri, shape: '2,256,3', line }]);
    const edits = applied[applied.length - 1]!.edit.changes![uri]!;
    const edited = TextDocument.applyEdits(TextDocument.create(uri, 'typescript', 1, text), edits);
    assert.equal(edited.split('\n')[line], '// convlens: input=(2, 256, 3)');
    const published = client.nextDiagnostics(uri, 2);
    const next = client.nextStatus(uri, 2);
    await client.change(uri, 2, [{ text: edited }]);
    const status = await next;
    await published;
    assert.deepEqual(status.models.map((m) => [m.inputSource, m.inputs]), [['directive', [[2, 256, 3]]]]);
  });
});
