// Quick fixes over the real protocol: each edit the server offers is applied, and the engine,
// run here on the edited text, must find the warning gone and every output shape unchanged;
// the server, sent the same edit as a didChange, must drop the warning too. Plus the
// input-shape directive, `convlens/layerAt` and the layer-table command.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { CodeAction, Command, Diagnostic, TextEdit } from 'vscode-languageserver/node';
import { analyzeFile } from '../../server/src/engine/analyze';
import type { FileReport } from '../../server/src/engine/report';
import { SERVER_COMMANDS } from '../../server/src/lsp/protocol';
import { LspClient, fixturePath, fixtureUri, positionOf } from './lspClient';
import { fixtureText, withInputs } from './fixtureText';

let client: LspClient;
const applied: { label?: string; edit: { changes?: Record<string, TextEdit[]> } }[] = [];
before(async () => {
  client = await LspClient.start();
  client.connection.onRequest('workspace/applyEdit', (params: (typeof applied)[number]) => {
    applied.push(params);
    return { applied: true };
  });
});
after(async () => {
  assert.equal(await client.stop(), 0);
});

const file = fixturePath('vae_decoder.py');
const uri = fixtureUri('vae_decoder.py');
const original = withInputs(fixtureText('vae_decoder.py'), { Decoder: [2, 128] });

function analyse(text: string): FileReport {
  return analyzeFile({ file, text, readFile: () => null });
}

function applyEdits(text: string, edits: TextEdit[]): string {
  return TextDocument.applyEdits(TextDocument.create(uri, 'python', 0, text), edits);
}

function isAction(a: CodeAction | Command): a is CodeAction {
  return 'edit' in a || 'kind' in a;
}

function editsOf(action: CodeAction): TextEdit[] {
  const edits = action.edit?.changes?.[uri];
  assert.ok(edits && edits.length, `${action.title} has edits`);
  return edits;
}

/** Every model's outputs and every layer's output shape, by path (renamed where a fix renames). */
function outputShapes(report: FileReport, rename: (path: string) => string = (p) => p): Map<string, string> {
  const shapes = new Map<string, string>();
  for (const m of report.models) {
    shapes.set(`${m.name} outputs`, JSON.stringify(m.outputs));
    for (const l of m.layers) if (l.kind === 'module') shapes.set(`${m.name} ${rename(l.path)}`, JSON.stringify(l.out));
  }
  return shapes;
}

function unevenAt(report: FileReport, line: number): number {
  return report.diagnostics.filter((d) => d.code === 'uneven-overlap' && d.line === line).length;
}

/** Sends edits the way an editor does: one didChange, changes from the end of the file up. */
async function sendEdits(version: number, edits: TextEdit[]): Promise<Diagnostic[]> {
  const ordered = [...edits].sort((a, b) => b.range.start.line - a.range.start.line || b.range.start.character - a.range.start.character);
  const published = client.nextDiagnostics(uri, version);
  await client.change(uri, version, ordered.map((e) => ({ range: e.range, text: e.newText })));
  return (await published).diagnostics;
}

describe('uneven overlap in the VAE decoder', () => {
  let diagnostics: Diagnostic[] = [];
  let afterLoopFix = '';
  const loopLine = positionOf(original, 'nn.ConvTranspose2d(cin').line;
  const headLine = positionOf(original, 'nn.ConvTranspose2d(channels[-1]').line;
  before(async () => {
    await client.open(uri, original);
    diagnostics = client.diagnostics.get(uri)!.diagnostics;
  });

  async function actionsOn(line: number): Promise<CodeAction[]> {
    const here = diagnostics.filter((d) => d.range.start.line === line && d.code === 'uneven-overlap');
    assert.ok(here.length > 0);
    return (await client.codeActions(uri, here[0].range, here)).filter(isAction);
  }

  test('"Use kernel_size=4": the engine finds the warning gone and every output shape unchanged', async () => {
    const actions = await actionsOn(loopLine);
    const fix = actions.find((a) => a.title.startsWith('Use kernel_size=4'));
    assert.ok(fix, actions.map((a) => a.title).join('\n'));
    assert.equal(fix.kind, 'quickfix');
    // The loop line's three layers are one diagnostic (×3), cured as a whole.
    const cured = fix.diagnostics ?? [];
    assert.equal(cured.length, 1, JSON.stringify(cured));
    assert.deepEqual((cured[0].data as { paths?: string[] }).paths, ['blocks.0', 'blocks.3', 'blocks.6']);
    assert.match(String(cured[0].message), /^ConvTranspose2d ×3 \[blocks\.0, blocks\.3, blocks\.6\]/);
    const text = applyEdits(original, editsOf(fix));
    afterLoopFix = text;
    assert.equal(text.split('\n')[loopLine].trim(), 'nn.ConvTranspose2d(cin, cout, kernel_size=4, stride=2, padding=1),');
    const before = analyse(original);
    const after = analyse(text);
    assert.equal(unevenAt(before, loopLine + 1), 3);
    assert.equal(unevenAt(after, loopLine + 1), 0);
    assert.deepEqual(outputShapes(after), outputShapes(before));
    for (const path of ['blocks.0', 'blocks.3', 'blocks.6']) {
      const layer = after.models[0].layers.find((l) => l.path === path)!;
      assert.deepEqual(layer.kernel, [4, 4]);
      assert.ok(layer.overlap!.every((taps) => taps.every((t) => t === taps[0])), `${path} even: ${JSON.stringify(layer.overlap)}`);
    }
    // The server, sent the same edit, agrees.
    const published = await sendEdits(2, editsOf(fix));
    assert.equal(published.filter((d) => d.code === 'uneven-overlap' && d.range.start.line === loopLine).length, 0);
    assert.ok(published.some((d) => d.code === 'uneven-overlap' && d.range.start.line === headLine));
  });

  test('fixing the head too leaves no uneven overlap in the file', async () => {
    diagnostics = client.diagnostics.get(uri)!.diagnostics;
    const actions = await actionsOn(headLine);
    const fix = actions.find((a) => a.title.startsWith('Use kernel_size=4'));
    assert.ok(fix, actions.map((a) => a.title).join('\n'));
    const published = await sendEdits(3, editsOf(fix));
    assert.deepEqual(published.filter((d) => d.code === 'uneven-overlap'), []);
    // Same check with the engine on the final text.
    const final = analyse(applyEdits(afterLoopFix, editsOf(fix)));
    assert.deepEqual(final.diagnostics.filter((d) => d.code === 'uneven-overlap'), []);
    assert.deepEqual(outputShapes(final), outputShapes(analyse(original)));
  });

  test('"Replace with resize-convolution": forward still works, shapes unchanged, warning gone', async () => {
    const published = client.nextDiagnostics(uri, 20);
    await client.change(uri, 20, [{ text: original }]);
    diagnostics = (await published).diagnostics;
    const actions = await actionsOn(loopLine);
    const fix = actions.find((a) => a.title.startsWith('Replace with resize-convolution'));
    assert.ok(fix, actions.map((a) => a.title).join('\n'));
    const text = applyEdits(original, editsOf(fix));
    assert.equal(
      text.split('\n')[loopLine].trim(),
      "nn.Sequential(nn.Upsample(scale_factor=2, mode='nearest'), nn.Conv2d(cin, cout, kernel_size=3, padding=1)),",
    );
    const before = analyse(original);
    const after = analyse(text);
    assert.equal(unevenAt(after, loopLine + 1), 0);
    const replaced = new Set(['blocks.0', 'blocks.3', 'blocks.6']);
    // The transposed convolution `blocks.0` is now `blocks.0.0` (Upsample) and `blocks.0.1` (Conv2d).
    const expectedShapes = outputShapes(before, (p) => (replaced.has(p) ? `${p}.1` : p));
    const actual = outputShapes(after);
    for (const [key, value] of expectedShapes) assert.equal(actual.get(key), value, key);
    assert.equal(after.models[0].layers.find((l) => l.path === 'blocks.0.0')?.op, 'Upsample');
  });

  test('"Set input shape here" writes the directive above the class; the command rewrites it in place', async () => {
    const plain = fixtureText('vae_decoder.py');
    const published = client.nextDiagnostics(uri, 30);
    await client.change(uri, 30, [{ text: plain }]);
    await published;
    const classLine = positionOf(plain, 'class Decoder').line;
    const actions = (await client.codeActions(uri, { start: { line: classLine, character: 6 }, end: { line: classLine, character: 6 } }, [])).filter(isAction);
    const set = actions.find((a) => a.title.startsWith('Set input shape here'));
    assert.ok(set, actions.map((a) => a.title).join('\n'));
    const before = analyse(plain).models.find((m) => m.name === 'Decoder()')!;
    assert.equal(before.inputSource, 'inferred');
    assert.equal(set.title, `Set input shape here: (${before.inputs[0].join(', ')})`);
    const text = applyEdits(plain, editsOf(set));
    assert.equal(text.split('\n')[classLine], `# convlens: input=(${before.inputs[0].join(', ')})`);
    const after = analyse(text).models.find((m) => m.name === 'Decoder()')!;
    assert.equal(after.inputSource, 'directive');
    assert.deepEqual(after.inputs, before.inputs);

    // The command the model lens runs: with a directive there, it is replaced, not duplicated.
    const withDirective = client.nextDiagnostics(uri, 31);
    await client.change(uri, 31, editsOf(set).map((e) => ({ range: e.range, text: e.newText })));
    await withDirective;
    applied.length = 0;
    const ok = await client.executeCommand(SERVER_COMMANDS.applyInputShape, [{ uri, line: classLine + 1, shape: '4,128' }]);
    assert.equal(ok, true);
    assert.equal(applied.length, 1);
    const final = applyEdits(text, applied[0].edit.changes![uri]);
    assert.equal(final.split('\n').filter((l) => l.includes('convlens: input=')).length, 1);
    assert.equal(final.split('\n')[classLine], '# convlens: input=(4, 128)');
    assert.deepEqual(analyse(final).models.find((m) => m.name === 'Decoder()')!.inputs, [[4, 128]]);
  });
});

describe('convlens/layerAt and the layer table', () => {
  const text = original;
  before(async () => {
    const published = client.nextDiagnostics(uri, 40);
    await client.change(uri, 40, [{ text }]);
    await published;
  });

  test('layerAt on a transposed convolution gives its report; on a blank line, null', async () => {
    const p = positionOf(text, 'nn.ConvTranspose2d(channels[-1]', 5);
    const layer = await client.layerAt(uri, p.line, p.character);
    assert.ok(layer);
    assert.equal(layer.path, 'head.0');
    assert.equal(layer.op, 'ConvTranspose2d');
    assert.deepEqual(layer.in, [[2, 32, 32, 32]]);
    assert.deepEqual(layer.overlap, [[1, 2], [1, 2]]);
    const blank = text.split('\n').findIndex((l) => l.trim() === '');
    assert.equal(await client.layerAt(uri, blank, 0), null);
  });

  test('the layer table command returns the CLI table of the document', async () => {
    const table = await client.executeCommand(SERVER_COMMANDS.layerTable, [{ uri }]);
    assert.equal(typeof table, 'string');
    assert.match(table as string, /Decoder\(\)/);
    assert.match(table as string, /blocks\.0\s+ConvTranspose2d\s+\[2, 128, 8, 8\]/);
    assert.match(table as string, /926,243/);
  });
});
